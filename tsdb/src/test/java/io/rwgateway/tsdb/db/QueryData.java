package io.rwgateway.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.BlockWriter;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.tsdb.layout.BlockSeries;
import io.rwgateway.wal.RecordVisitor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Float series for querier tests, and the two ways to store them: appended to a {@link Head} (as
 * the ingest path does, minus the WAL) and written as a block by {@link BlockWriter}, with chunks
 * cut where the test says.
 */
public final class QueryData {
  private QueryData() {}

  /** One series: labels and samples in ascending time, values as raw bits (NaN payloads kept). */
  public record Series(Labels labels, long[] t, long[] bits) {
    public Series {
      if (t.length != bits.length) {
        throw new IllegalArgumentException("one value per timestamp");
      }
    }

    public static Series of(Labels labels, long[] t, double... v) {
      long[] bits = new long[v.length];
      for (int i = 0; i < v.length; i++) {
        bits[i] = Double.doubleToRawLongBits(v[i]);
      }
      return new Series(labels, t, bits);
    }
  }

  /** A log that drops everything: these tests query the head, they do not replay it. */
  public static final RecordVisitor NO_LOG =
      new RecordVisitor() {
        @Override
        public void series(long ref, byte[] labels, int off, int len) {}

        @Override
        public void sample(long ref, long t, double v) {}

        @Override
        public void histogram(long ref, long t, byte[] proto, int off, int len) {}

        @Override
        public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {}

        @Override
        public void metadata(
            int type,
            byte[] b,
            int nameOff,
            int nameLen,
            int helpOff,
            int helpLen,
            int unitOff,
            int unitLen) {}
      };

  /**
   * Appends every sample of every series to {@code head}, one batch per series; all must be
   * accepted. Series without samples are left out.
   */
  public static void append(Head head, List<Series> series) {
    HeadAppender appender = new HeadAppender(head, 0);
    for (Series s : series) {
      if (s.t().length == 0) {
        continue;
      }
      WriteBatch b = new WriteBatch();
      Batches.series(b, s.labels());
      for (int i = 0; i < s.t().length; i++) {
        b.addSample(s.t()[i], Double.longBitsToDouble(s.bits()[i]));
      }
      appender.prepare(b, NO_LOG);
      appender.commit(b);
      assertNull(b.failure, "append failed");
      assertEquals(s.t().length, b.samplesWritten, "every sample of " + s.labels() + " accepted");
    }
  }

  /**
   * Encodes a series into XOR chunks of {@code chunkSizes[k]} samples each (cycled; the last chunk
   * takes what is left).
   */
  public static BlockSeries encode(Series s, int... chunkSizes) {
    int n = s.t().length;
    List<byte[]> data = new ArrayList<>();
    List<Long> mins = new ArrayList<>();
    List<Long> maxs = new ArrayList<>();
    int from = 0;
    for (int k = 0; from < n; k++) {
      int to = Math.min(n, from + chunkSizes[k % chunkSizes.length]);
      XorChunk c = new XorChunk(64);
      for (int i = from; i < to; i++) {
        c.append(s.t()[i], Double.longBitsToDouble(s.bits()[i]));
      }
      data.add(Arrays.copyOf(c.buffer(), c.length()));
      mins.add(s.t()[from]);
      maxs.add(s.t()[to - 1]);
      from = to;
    }
    return new BlockSeries(
        s.labels(),
        data,
        mins.stream().mapToLong(Long::longValue).toArray(),
        maxs.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * Writes a block of the series that have samples (all inside [minTime, maxTime)), each cut into
   * chunks of random sizes between 1 and 150 samples; returns the encoded series (sorted, as
   * written) so tests know the chunk bounds, and the block directory.
   */
  public static Written writeBlock(
      Path tenantDir, long minTime, long maxTime, List<Series> series, Random rnd)
      throws IOException {
    List<BlockSeries> encoded = new ArrayList<>();
    for (Series s : series) {
      if (s.t().length > 0) {
        encoded.add(encode(s, 1 + rnd.nextInt(150), 1 + rnd.nextInt(150), 1 + rnd.nextInt(150)));
      }
    }
    encoded.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    Path dir = BlockWriter.write(tenantDir, minTime, maxTime, encoded, Labels.EMPTY, "test");
    return new Written(dir, encoded);
  }

  /** A block written by {@link #writeBlock}. */
  public record Written(Path dir, List<BlockSeries> series) {}
}
