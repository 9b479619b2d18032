package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.histogram;
import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramMeaning;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import io.rwgateway.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom-bucket histograms (schema -53) are kept like any other native histogram: appended to the
 * head's chunks, cut into a block, and read back from the block (list querier: the messages remote
 * read SAMPLES returns, custom_values included; chunk querier: HISTOGRAM / FLOAT_HISTOGRAM chunks
 * in Prometheus 3's layout) equal to what was written. A change of bounds cuts a chunk with a
 * counter-reset header.
 */
class CustomBucketsBlockTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
  private static final long STEP = 30_000L;
  private static final int STEPS = 120;
  private static final double[] BOUNDS = {0.005, 0.01, 0.1, 1, 10};
  private static final double[] OTHER = {0.005, 0.01, 0.1, 1, 10, 1e-4 + 100};

  @TempDir Path dir;

  private TsdbOptions options() {
    return new TsdbOptions(dir, WalOptions.defaults(), 0)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  /** Step k: a bucket added at 30, other bounds from 80 on (counts keep rising). */
  static Histogram hist(int k) {
    int n = k < 30 ? 2 : 3;
    int[] idx = {1, 2, 5};
    long[] counts = {k + 1, 2L * k + 1, k};
    Histogram h = new Histogram().schema(NativeHistogram.CUSTOM_BUCKETS_SCHEMA);
    h.customValues(k < 80 ? BOUNDS : OTHER);
    h.positive().setAbsolute(idx, counts, n);
    long total = counts[0] + counts[1] + (n == 3 ? counts[2] : 0);
    return h.count(total).sum(k * 0.75);
  }

  static FloatHistogram floatHist(int k) {
    FloatHistogram h = new FloatHistogram().schema(NativeHistogram.CUSTOM_BUCKETS_SCHEMA);
    h.customValues(BOUNDS);
    h.positive().setAbsolute(new int[] {0, 3}, new double[] {k + 0.5, k * 2.0}, 2);
    return h.count(3 * k + 0.5).sum(k * 0.1);
  }

  @Test
  void customBucketHistogramsReadBackFromTheBlockAsWritten() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "nhcb");
      for (int k = 0; k < STEPS; k++) {
        long t = T0 + k * STEP;
        histogram(b, t, HistogramProto.encode(t, hist(k)));
      }
      series(b, "__name__", "nhcb_float");
      for (int k = 0; k < STEPS; k++) {
        long t = T0 + k * STEP;
        histogram(b, t, HistogramProto.encode(t, floatHist(k)));
      }
      series(b, "__name__", "later");
      samples(b, T0 + 3 * H + 60_000, 1);
      db.append(b);
      assertNull(b.failure);
      assertEquals(2 * STEPS, b.histogramsWritten);

      List<SeriesData> fromHead = db.querier().select(ALL_NHCB, T0, T0 + 2 * H - 1);
      assertAsWritten(fromHead);

      assertEquals(1, db.compactor().compact().size());
      Block block = db.blocks().get(0);
      assertEquals(2 * STEPS, block.meta().numSamples(), "every histogram is in the block");
      assertAsWritten(block.querier().select(ALL_NHCB, T0, T0 + 2 * H - 1));
      assertAsWritten(db.querier().select(ALL_NHCB, T0, T0 + 2 * H - 1));

      List<String> shape = new ArrayList<>();
      try (ChunkQuerier q = db.chunkQuerier(T0, T0 + 2 * H - 1)) {
        ChunkSeriesSet set = q.select(ALL_NHCB);
        HistogramChunkIterator hit = new HistogramChunkIterator();
        FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
        while (set.next()) {
          ChunkIterator it = set.chunks();
          while (it.next()) {
            ByteBuffer bb = it.bytes();
            byte[] data = new byte[bb.remaining()];
            bb.get(data);
            if (it.encoding() == ChunkEncoding.HISTOGRAM) {
              hit.reset(data, 0, data.length);
              shape.add(set.labels().get("__name__") + " H" + hit.count() + ":" + hit.header());
              while (hit.next()) {
                int k = (int) ((hit.t() - T0) / STEP);
                assertEquals(
                    HistogramMeaning.normal(hist(k)), HistogramMeaning.normal(hit.histogram()));
                assertArrayEquals(hist(k).customValues(), hit.histogram().customValues());
              }
            } else {
              assertEquals(ChunkEncoding.FLOAT_HISTOGRAM, it.encoding());
              fit.reset(data, 0, data.length);
              shape.add(set.labels().get("__name__") + " F" + fit.count() + ":" + fit.header());
              while (fit.next()) {
                int k = (int) ((fit.t() - T0) / STEP);
                assertEquals(floatHist(k).resetHint(fit.histogram().resetHint()), fit.histogram());
              }
            }
          }
        }
      }
      assertEquals(
          List.of(
              "nhcb H80:UNKNOWN", // a bucket added at 30 re-encodes the chunk
              "nhcb H40:COUNTER_RESET", // other bounds at 80: cut, as a reset
              "nhcb_float F120:UNKNOWN"),
          shape);
    }
  }

  private static final Matcher[] ALL_NHCB = {new Matcher(Matcher.Type.RE, "__name__", "nhcb.*")};

  private static void assertAsWritten(List<SeriesData> data) {
    assertEquals(2, data.size());
    HistogramProto proto = new HistogramProto();
    Histogram h = new Histogram();
    FloatHistogram f = new FloatHistogram();
    for (SeriesData d : data) {
      boolean floats = d.labels().equals(Labels.of("__name__", "nhcb_float"));
      assertEquals(STEPS, d.histT().length);
      for (int k = 0; k < STEPS; k++) {
        assertEquals(T0 + k * STEP, d.histT()[k]);
        byte[] msg = d.histograms()[k];
        if (floats) {
          assertTrue(proto.readFloat(msg, 0, msg.length, f), "step " + k);
          assertEquals(floatHist(k).resetHint(f.resetHint()), f, "step " + k);
        } else {
          assertFalse(!proto.readInteger(msg, 0, msg.length, h), "step " + k);
          assertEquals(HistogramMeaning.normal(hist(k)), HistogramMeaning.normal(h));
          // what remote read SAMPLES sends: the message with custom_values (field 16)
          assertArrayEquals(hist(k).customValues(), h.customValues(), "step " + k);
          assertEquals(NativeHistogram.CUSTOM_BUCKETS_SCHEMA, h.schema());
        }
      }
    }
  }
}
