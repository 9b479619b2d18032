package io.rwgateway.uploader;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.block.BlockWriter;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real blocks for shipper tests, written by tsdb's {@link BlockWriter}. */
final class ShipTestBlocks {
  static final long HOUR = 3_600_000;
  static final long RANGE = 2 * HOUR;

  private ShipTestBlocks() {}

  /** A level-1 block of {@code tenantDir} covering [minTime, minTime + 2h), a few series. */
  static Path write(Path tenantDir, long minTime) throws IOException {
    List<BlockSeries> series = new ArrayList<>();
    int n = 10;
    long[] t = new long[n];
    long[] bits = new long[n];
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < n; i++) {
        t[i] = minTime + i * 15_000L;
        bits[i] = Double.doubleToRawLongBits(s * 100 + i);
      }
      series.add(BlockSeries.encode(Labels.of("__name__", "up", "instance", "i" + s), t, bits, n));
    }
    return BlockWriter.write(
        tenantDir, minTime, minTime + RANGE, series, Labels.of("cluster", "test"), "t");
  }

  /** The block's ULID (its directory name). */
  static String ulid(Path blockDir) {
    return blockDir.getFileName().toString();
  }

  /**
   * Rewrites the block's meta.json with another compaction level (as a compacted block would have).
   */
  static void setLevel(Path blockDir, int level) throws IOException {
    BlockMeta m = BlockMeta.read(blockDir);
    BlockMeta changed =
        new BlockMeta(
            m.ulid(),
            m.minTime(),
            m.maxTime(),
            m.numSamples(),
            m.numSeries(),
            m.numChunks(),
            level,
            m.sources(),
            m.labels(),
            m.source(),
            m.resolution(),
            m.segmentFiles(),
            m.files());
    Files.writeString(
        blockDir.resolve(BlockMeta.FILENAME), changed.toJson(), StandardCharsets.UTF_8);
  }

  /** The block's files relative to its directory, as the shipper uploads them (no tombstones). */
  static List<String> shippedFiles(Path blockDir) throws IOException {
    List<String> out = new ArrayList<>();
    try (var segs = Files.list(blockDir.resolve("chunks"))) {
      segs.map(p -> "chunks/" + p.getFileName()).sorted().forEach(out::add);
    }
    out.add("index");
    out.add("meta.json");
    return out;
  }

  /** A directory that holds {@code wal/}, as the TSDB makes one per tenant. */
  static Path tenantDir(Path tsdbPath, String tenant) throws IOException {
    Path dir = tsdbPath.resolve(tenant);
    Files.createDirectories(dir.resolve("wal"));
    return dir;
  }
}
