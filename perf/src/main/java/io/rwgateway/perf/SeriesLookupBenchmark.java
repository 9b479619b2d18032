package io.rwgateway.perf;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.EncoderVisitor;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.wal.RecordEncoder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The event loops' series lookup ({@link Head#resolve}): batches of 2000 series found among {@code
 * existingSeries} by label hash and an exact comparison of the label bytes. The label shape is the
 * load generator's (perf/compare.sh): {@code __name__}, {@code cycle_id}, ten {@code label_key_*}
 * with ten values each, and {@code series_id}: 13 pairs, ~300 bytes. Scores are per series.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeriesLookupBenchmark extends BenchmarkBase {
  private static final int BATCH_SERIES = 2000;

  @Param({"100000"})
  int existingSeries;

  private WriteBatch[] batches;
  private int cursor;
  private Head head;

  @Setup(Level.Trial)
  public void setup() {
    int n = existingSeries / BATCH_SERIES;
    batches = new WriteBatch[n];
    int metrics = Math.max(1, existingSeries / 1000);
    for (int k = 0; k < n; k++) {
      WriteBatch b = new WriteBatch();
      b.tenant = "bench";
      for (int s = 0; s < BATCH_SERIES; s++) {
        int id = k * BATCH_SERIES + s;
        String[] nv = new String[26];
        int i = 0;
        nv[i++] = "__name__";
        nv[i++] = "avalanche_metric_" + (id % metrics);
        nv[i++] = "cycle_id";
        nv[i++] = "0";
        for (int key = 0; key < 10; key++) {
          long h = (id * 0x9E3779B97F4A7C15L) ^ (key * 0xC2B2AE3D27D4EB4FL);
          nv[i++] = "label_key_" + key;
          nv[i++] = "label_val_" + Long.remainderUnsigned(h >>> 17, 10);
        }
        nv[i++] = "series_id";
        nv[i] = Integer.toString(id / metrics);
        byte[] l = LabelBytes.encode(sorted(nv));
        int off = b.reserveBytes(l.length);
        System.arraycopy(l, 0, b.bytes, off, l.length);
        b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
        b.addSample(1_700_000_000_000L, 1);
      }
      batches[k] = b;
    }
    head = new Head();
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    EncoderVisitor log = new EncoderVisitor(new RecordEncoder());
    for (WriteBatch b : batches) {
      appender.prepare(b, log);
      appender.commit(b);
    }
    if (head.seriesCount() != existingSeries) {
      throw new IllegalStateException(
          "expected " + existingSeries + " series, head has " + head.seriesCount());
    }
  }

  /** Name/value pairs sorted by name (LabelBytes.encode wants them in order). */
  private static String[] sorted(String[] nv) {
    int pairs = nv.length / 2;
    Integer[] order = new Integer[pairs];
    for (int i = 0; i < pairs; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> nv[2 * a].compareTo(nv[2 * b]));
    String[] out = new String[nv.length];
    for (int i = 0; i < pairs; i++) {
      out[2 * i] = nv[2 * order[i]];
      out[2 * i + 1] = nv[2 * order[i] + 1];
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_SERIES)
  public Object resolve() {
    WriteBatch b = batches[cursor];
    cursor = cursor + 1 == batches.length ? 0 : cursor + 1;
    head.resolve(b);
    Object last = b.seriesHint[BATCH_SERIES - 1];
    if (last == null) {
      throw new IllegalStateException("a known series was not found");
    }
    return last;
  }
}
