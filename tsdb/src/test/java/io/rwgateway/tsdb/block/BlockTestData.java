package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.db.TenantDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Samples for block tests, appended to a real tenant the way ingest does (one batch per scrape
 * time, so the append window never rejects), and the subset that belongs in one block range.
 */
final class BlockTestData {
  static final long STEP = 15_000;
  static final long HOUR = 3_600_000;
  static final long STALE_NAN = 0x7ff0000000000002L;
  static final long[] SPECIALS = {
    Double.doubleToRawLongBits(Double.NaN),
    Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
    STALE_NAN,
    Double.doubleToRawLongBits(-0.0),
    Double.doubleToRawLongBits(1e-300),
    Double.doubleToRawLongBits(Double.MAX_VALUE),
    Double.doubleToRawLongBits(0.1)
  };

  record Sample(long t, long bits) {
    double v() {
      return Double.longBitsToDouble(bits);
    }
  }

  final long blockMin;
  final long blockMax;

  /** What the block must hold, by series, in time order. */
  final Map<Labels, List<Sample>> expected = new TreeMap<>(LabelOrder.LABELS);

  long appended;

  private BlockTestData(long blockMin, long blockMax) {
    this.blockMin = blockMin;
    this.blockMax = blockMax;
  }

  /** Regular 15 s series only, with NaN-free values (what a PromQL range query returns exactly). */
  static BlockTestData plain(TenantDb db, long blockMin, long blockMax) {
    BlockTestData d = new BlockTestData(blockMin, blockMax);
    d.fill(db, false);
    return d;
  }

  /**
   * Regular series, special values (NaN, infinities, stale markers, -0), sparse and outside series.
   */
  static BlockTestData mixed(TenantDb db, long blockMin, long blockMax) {
    BlockTestData d = new BlockTestData(blockMin, blockMax);
    d.fill(db, true);
    return d;
  }

  private void fill(TenantDb db, boolean specials) {
    long from = blockMin - 20 * 60_000;
    long to = blockMax + 20 * 60_000;
    int step = 0;
    for (long t = from; t < to; t += STEP, step++) {
      WriteBatch b = new WriteBatch();
      b.tenant = db.tenant();
      for (int k = 0; k < 5; k++) {
        // Counter-like values with a fractional part, and a reset now and then.
        add(
            b,
            t,
            Double.doubleToRawLongBits((step % 400) * 0.25 + k * 1000 - 3.5),
            "__name__",
            "rw_block_test",
            "instance",
            "i" + k,
            "job",
            "block-test");
      }
      if (specials) {
        add(
            b,
            t,
            SPECIALS[step % SPECIALS.length],
            "__name__",
            "rw_block_special",
            "kind",
            "specials");
        if (step % 97 == 5) {
          add(
              b,
              t,
              Double.doubleToRawLongBits(step),
              "__name__",
              "rw_block_sparse",
              "note",
              "caf\u00e9 <&>");
        }
        if (t < blockMin - 5 * 60_000) {
          add(b, t, Double.doubleToRawLongBits(1), "__name__", "rw_block_outside");
        }
      }
      db.append(b);
      assertNull(b.failure, "WAL append failed");
      assertEquals(b.seriesCount, b.samplesWritten, "every sample accepted at t=" + t);
    }
  }

  private void add(WriteBatch b, long t, long bits, String... labels) {
    Batches.series(b, labels);
    b.addSample(t, Double.longBitsToDouble(bits));
    appended++;
    if (t >= blockMin && t < blockMax) {
      expected.computeIfAbsent(Labels.of(labels), l -> new ArrayList<>()).add(new Sample(t, bits));
    }
  }

  /**
   * Cuts [blockMin, blockMax) the way production does (the tenant's compactor; a filler sample 90
   * minutes after blockMax makes the range due) and copies that block into {@code toolDir} (beside
   * an empty {@code wal/}, which promtool and Prometheus expect). Returns the copy.
   */
  static Path cutAndCopy(TenantDb db, long blockMin, long blockMax, Path toolDir)
      throws IOException {
    WriteBatch b = new WriteBatch();
    b.tenant = db.tenant();
    Batches.series(b, "__name__", "rw_block_filler");
    b.addSample(blockMax + 90 * 60_000, 1);
    db.append(b);
    assertEquals(1, b.samplesWritten);
    db.compactor().compact();
    Block block =
        db.blocks().stream()
            .filter(x -> x.minTime() == blockMin)
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no block for [" + blockMin + ", " + blockMax + "): " + db.blocks()));
    assertEquals(blockMax, block.maxTime());
    Path dst = toolDir.resolve(block.ulid());
    Files.createDirectories(toolDir.resolve("wal"));
    try (Stream<Path> files = Files.walk(block.dir())) {
      for (Path f : files.toList()) {
        Path to = dst.resolve(block.dir().relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return dst;
  }

  /** Equal lists, reported by their first difference instead of two thousand-line dumps. */
  static void assertSameSamples(List<String> expected, List<String> actual, String what) {
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      assertEquals(expected.get(i), actual.get(i), what + ": first difference at sample " + i);
    }
    assertEquals(expected.size(), actual.size(), what + ": sample count");
  }

  long expectedSamples() {
    long n = 0;
    for (List<Sample> l : expected.values()) {
      n += l.size();
    }
    return n;
  }
}
