package io.rwgateway.gateway;

import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The finished blocks of a TSDB directory, for tests that look while the gateway runs. A block
 * being written is a {@code <ULID>.tmp-for-creation} directory that has a {@code meta.json} before
 * it is renamed, so "has a meta.json" alone races with the rename; a finished block's directory is
 * named by its ULID alone.
 */
final class BlockDirs {
  private BlockDirs() {}

  /**
   * The finished block directories under {@code dir}, sorted (by ULID: by creation); none if
   * absent.
   */
  static List<Path> finished(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Ulid.isValid(p.getFileName().toString()))
          .filter(p -> Files.exists(p.resolve("meta.json")))
          .sorted()
          .toList();
    }
  }
}
