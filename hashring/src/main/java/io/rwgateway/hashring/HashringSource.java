package io.rwgateway.hashring;

import io.rwgateway.hashring.HashringConfigException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where the hashring JSON comes from: a file that can change, or inline content that cannot. */
final class HashringSource {
  /**
   * Files larger than this are refused unread (a wrong path such as a device must not exhaust
   * memory).
   */
  static final int MAX_FILE_BYTES = 16 << 20;

  private final Path file;
  private final byte[] inline;

  private HashringSource(Path file, byte[] inline) {
    this.file = file;
    this.inline = inline;
  }

  static HashringSource file(Path file) {
    return new HashringSource(file, null);
  }

  static HashringSource inline(String json) {
    return new HashringSource(null, json.getBytes(StandardCharsets.UTF_8));
  }

  /** The file, or null for inline content. */
  Path file() {
    return file;
  }

  byte[] read() throws HashringConfigException {
    if (file == null) {
      return inline;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
      if (b.length > MAX_FILE_BYTES) {
        throw new HashringConfigException(
            Reason.READ, file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new HashringConfigException(Reason.READ, "cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new HashringConfigException(Reason.READ, "cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return file != null ? file.toString() : "--receive.hashrings";
  }
}
