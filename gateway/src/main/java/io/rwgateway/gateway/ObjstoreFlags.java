package io.rwgateway.gateway;

import io.rwgateway.uploader.ObjstoreConfig;
import io.rwgateway.uploader.ObjstoreConfigException;
import java.nio.file.Path;

/** Thanos' {@code --objstore.config-file} / {@code --objstore.config} pair, for every role. */
final class ObjstoreFlags {
  private ObjstoreFlags() {}

  /**
   * The bucket the flags give, or null when neither is given (blank inline YAML counts as not
   * given).
   *
   * @throws IllegalArgumentException for both flags at once, or a config that does not parse
   */
  static ObjstoreConfig read(Path file, String inline) {
    if (file != null && inline != null) {
      throw new IllegalArgumentException(
          "give --objstore.config-file or --objstore.config, not both");
    }
    try {
      if (file != null) {
        return ObjstoreConfig.fromFile(file);
      }
      if (inline != null && !inline.isBlank()) {
        return ObjstoreConfig.parse(inline);
      }
    } catch (ObjstoreConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return null;
  }
}
