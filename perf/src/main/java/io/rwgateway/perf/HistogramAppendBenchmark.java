package io.rwgateway.perf;

import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.db.EncoderVisitor;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.wal.RecordEncoder;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one native histogram sample, against one float sample. Scores are per sample ({@code
 * OperationsPerInvocation}).
 *
 * <ul>
 *   <li>{@code head} ({@code kind=histogram}): batches of 2000 series x 1 histogram over 20k
 *       existing series, through {@link HeadAppender#prepare}/{@link HeadAppender#commit} as ingest
 *       does: the raw protobuf {@code Histogram} message (as the decoder copies it out of the
 *       request) is checked, encoded into the WAL record ({@link RecordEncoder}, no WAL I/O),
 *       decoded and appended to the series' open histogram chunk. Every round sends each series the
 *       same histogram with its time moved on (the message's timestamp varint is patched too), so
 *       the chunk appends are of unchanged counts and layout: the chunk rows below give the cost of
 *       counts that change and layouts that grow. {@code kind=float}: the same series with one
 *       float sample each instead, as in {@link HeadAppendBenchmark#head}, the baseline.
 *   <li>{@code histogramChunk} / {@code floatHistogramChunk}: one full 120-sample chunk per
 *       invocation with {@link HistogramChunkEncoder} / {@link FloatHistogramChunkEncoder}, what a
 *       block cut does for each histogram; {@code xorChunk}: a 120-sample float counter chunk, the
 *       baseline. {@code layout=grow}: buckets fill for the first time within the chunk (two
 *       re-encodes per chunk here); {@code layout=fixed}: every sample carries the chunk's final
 *       buckets, empty ones included, so none ({@code xorChunk} ignores the parameter).
 * </ul>
 *
 * <p>The histograms are latency-like: schema 3, observations log-normal with sigma 0.2 around a
 * median of 20 to 140 ms and a quarter of them ten times slower (two modes), 5000 observations
 * before the first sample and 50 more per 15 s scrape, so about 34 populated buckets in 2 spans and
 * counts growing; a bucket that fills for the first time in a chunk makes the encoder re-encode it
 * with the wider layout, as real data does. The setup prints the shape and the chunk's bytes per
 * sample.
 *
 * <p>The head is truncated to the newest sample of every series before each iteration (outside the
 * measurement), as after a block cut; iterations are 1 s. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HistogramAppendBenchmark extends BenchmarkBase {
  private static final int BATCH_SERIES = 2000;
  private static final long T0 = 1_700_000_000_000L;
  private static final int CHUNK = XorChunk.MAX_SAMPLES;

  /** Latency-like native histograms of one series, one state per scrape. */
  static final class LatencyHistogram {
    private static final int SCHEMA = 3;
    private static final int OFFSET = 512;
    private static final double ZERO_THRESHOLD = Math.scalb(1.0, -128);
    private final long[] buckets = new long[2 * OFFSET];
    private final Random r;
    private final double mu;
    private final double sigma;
    private long count;
    private double sum;

    LatencyHistogram(long seed, double medianSeconds, double sigma) {
      this.r = new Random(seed);
      this.mu = Math.log(medianSeconds);
      this.sigma = sigma;
    }

    void observe(int n) {
      for (int i = 0; i < n; i++) {
        // A quarter of the requests miss a cache and take ten times longer: two modes, so the
        // buckets fall into a few spans.
        double m = r.nextInt(4) == 0 ? mu + Math.log(10) : mu;
        double v = Math.exp(m + sigma * r.nextGaussian());
        // Schema s: bucket i holds (2^((i-1)/2^s), 2^(i/2^s)].
        int idx = (int) Math.ceil(Math.log(v) / Math.log(2) * (1 << SCHEMA));
        buckets[OFFSET + idx]++;
        count++;
        sum += v;
      }
    }

    /** The current state as an integer histogram. */
    Histogram histogram(Histogram h) {
      return histogram(h, null);
    }

    /** Also an empty bucket where {@code layout} is set (null: populated buckets only). */
    Histogram histogram(Histogram h, boolean[] layout) {
      int[] idx = new int[buckets.length];
      long[] c = new long[buckets.length];
      int n = 0;
      for (int i = 0; i < buckets.length; i++) {
        if (buckets[i] != 0 || layout != null && layout[i]) {
          idx[n] = i - OFFSET;
          c[n++] = buckets[i];
        }
      }
      h.clear();
      h.schema(SCHEMA).zeroThreshold(ZERO_THRESHOLD).sum(sum);
      h.count(count).zeroCount(0);
      h.positive().setAbsolute(idx, c, n);
      return h;
    }

    /** The current state as a float histogram. */
    FloatHistogram floatHistogram(FloatHistogram h, boolean[] layout) {
      int[] idx = new int[buckets.length];
      double[] c = new double[buckets.length];
      int n = 0;
      for (int i = 0; i < buckets.length; i++) {
        if (buckets[i] != 0 || layout != null && layout[i]) {
          idx[n] = i - OFFSET;
          c[n++] = buckets[i];
        }
      }
      h.clear();
      h.schema(SCHEMA).zeroThreshold(ZERO_THRESHOLD).sum(sum);
      h.count(count).zeroCount(0);
      h.positive().setAbsolute(idx, c, n);
      return h;
    }
  }

  static LatencyHistogram series(int id) {
    LatencyHistogram s = new LatencyHistogram(id, 0.02 * (1 + id % 7), 0.2);
    s.observe(5000);
    return s;
  }

  /** The head, its appender and batches of 2000 series, floats or histograms. */
  @State(Scope.Thread)
  public static class HeadState {
    @Param({"histogram", "float"})
    String kind;

    @Param({"20000"})
    int existingSeries;

    WriteBatch[] batches;
    long[] nextT;
    int cursor;
    Head head;
    HeadAppender appender;
    RecordEncoder encoder;
    EncoderVisitor log;
    long histogramBytes;

    @Setup(Level.Trial)
    public void setup() {
      boolean hist = kind.equals("histogram");
      int n = existingSeries / BATCH_SERIES;
      batches = new WriteBatch[n];
      nextT = new long[n];
      Histogram h = new Histogram();
      for (int k = 0; k < n; k++) {
        WriteBatch b = new WriteBatch();
        b.tenant = "bench";
        for (int s = 0; s < BATCH_SERIES; s++) {
          int id = k * BATCH_SERIES + s;
          HeadAppendBenchmark.beginSeries(b, id, "http_request_duration_seconds", "api");
          if (hist) {
            byte[] p = HistogramProto.encode(T0, series(id).histogram(h));
            int po = b.reserveBytes(p.length);
            System.arraycopy(p, 0, b.bytes, po, p.length);
            b.addHistogram(T0, po, p.length);
            histogramBytes += p.length;
          } else {
            b.addSample(T0, 0);
          }
        }
        batches[k] = b;
        nextT[k] = T0;
      }
      // The timestamp is the message's last field, a 6-byte varint: patching it must give the
      // bytes the encoder gives for the new time.
      if (hist) {
        byte[] want = HistogramProto.encode(T0 + 15_003, series(0).histogram(h));
        byte[] got = HistogramProto.encode(T0, series(0).histogram(h));
        patchTime(got, 0, got.length, T0 + 15_003);
        if (!Arrays.equals(want, got)) {
          throw new IllegalStateException("timestamp patch does not match the encoder");
        }
        System.out.printf(
            "%nhistogram messages: %.1f bytes on average%n",
            (double) histogramBytes / existingSeries);
      }
      head = new Head();
      appender = new HeadAppender(head, 3_600_000L);
      encoder = new RecordEncoder();
      log = new EncoderVisitor(encoder);
      for (int k = 0; k < n; k++) {
        append(batches[k]);
      }
    }

    @Setup(Level.Iteration)
    public void truncate() {
      long before = Long.MAX_VALUE;
      for (long t : nextT) {
        before = Math.min(before, t);
      }
      head.truncate(before);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      for (WriteBatch b : batches) {
        if (b.rejectedTotal() != 0 || b.failure != null) {
          throw new IllegalStateException(
              "benchmark batches were rejected: " + b.firstConflict + " " + b.failure);
        }
      }
      head.close();
    }

    /** The next batch with its timestamps moved one scrape interval on. */
    WriteBatch next() {
      int k = cursor;
      cursor = k + 1 == batches.length ? 0 : k + 1;
      WriteBatch b = batches[k];
      long t = nextT[k] += 15_000;
      for (int i = 0; i < b.sampleCount; i++) {
        b.sampleT[i] = t + (i & 3); // a little jitter, as real scrapes have
        b.sampleV[i] += 1 + (i & 7);
      }
      for (int i = 0; i < b.histCount; i++) {
        long ti = t + (i & 3);
        b.histT[i] = ti;
        patchTime(b.bytes, b.histOff[i], b.histLen[i], ti);
      }
      b.samplesWritten = 0;
      b.histogramsWritten = 0;
      return b;
    }

    int append(WriteBatch b) {
      encoder.reset();
      appender.prepare(b, log);
      encoder.finish();
      appender.commit(b);
      return b.samplesWritten + b.histogramsWritten;
    }
  }

  /** Writes {@code t} into the 6-byte timestamp varint that ends the message at {@code off}. */
  static void patchTime(byte[] b, int off, int len, long t) {
    int at = off + len - 6;
    for (int i = 0; i < 5; i++) {
      b[at + i] = (byte) ((t & 0x7f) | 0x80);
      t >>>= 7;
    }
    b[at + 5] = (byte) t;
  }

  /** 120 successive scrapes of one series, as integer and float histograms and a float counter. */
  @State(Scope.Thread)
  public static class ChunkState {
    /**
     * {@code grow}: buckets fill for the first time within the chunk, which re-encodes it (as real
     * data does now and then); {@code fixed}: every sample already has all the chunk's buckets
     * (empty ones included), so no re-encoding: the steady per-sample cost.
     */
    @Param({"grow", "fixed"})
    String layout;

    final long[] ts = new long[CHUNK];
    final Histogram[] hs = new Histogram[CHUNK];
    final FloatHistogram[] fhs = new FloatHistogram[CHUNK];
    final double[] vs = new double[CHUNK];
    final HistogramChunkEncoder enc = new HistogramChunkEncoder(Header.UNKNOWN);
    final FloatHistogramChunkEncoder fenc = new FloatHistogramChunkEncoder(Header.UNKNOWN);
    final XorChunk xor = new XorChunk(256);

    @Setup(Level.Trial)
    public void setup() {
      Random r = new Random(42);
      LatencyHistogram s = series(3);
      boolean[] union = null;
      if (layout.equals("fixed")) {
        // The buckets the chunk will end with, from the same observations made ahead.
        LatencyHistogram ahead = series(3);
        ahead.observe(50 * CHUNK);
        union = new boolean[ahead.buckets.length];
        for (int i = 0; i < union.length; i++) {
          union[i] = ahead.buckets[i] != 0;
        }
      }
      long t = T0;
      double v = 0;
      long buckets = 0;
      long spans = 0;
      for (int i = 0; i < CHUNK; i++) {
        t += 15_000 + r.nextInt(5) - 2;
        s.observe(50);
        ts[i] = t;
        hs[i] = s.histogram(new Histogram(), union);
        fhs[i] = s.floatHistogram(new FloatHistogram(), union);
        v += r.nextInt(100);
        vs[i] = v;
        buckets += hs[i].positive().bucketCount();
        spans += hs[i].positive().spanCount();
      }
      int recodes = 0;
      enc.reset(Header.UNKNOWN);
      for (int i = 0; i < CHUNK; i++) {
        recodes += enc.append(ts[i], hs[i]) == Verdict.RECODE ? 1 : 0;
      }
      System.out.printf(
          "%nbuckets %.1f, spans %.1f per sample (first %d/%d, last %d/%d), %d recodes;"
              + " bytes per sample: histogram %.2f, float histogram %.2f, xor %.2f%n",
          (double) buckets / CHUNK,
          (double) spans / CHUNK,
          hs[0].positive().bucketCount(),
          hs[0].positive().spanCount(),
          hs[CHUNK - 1].positive().bucketCount(),
          hs[CHUNK - 1].positive().spanCount(),
          recodes,
          (double) encodeHistograms(this).length / CHUNK,
          (double) encodeFloatHistograms(this).length / CHUNK,
          (double) encodeXor(this).length / CHUNK);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_SERIES)
  public int head(HeadState s) {
    return s.append(s.next());
  }

  static boolean appended(Verdict v) {
    return v == Verdict.APPEND || v == Verdict.RECODE;
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK)
  public byte[] histogramChunk(ChunkState s) {
    return encodeHistograms(s);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK)
  public byte[] floatHistogramChunk(ChunkState s) {
    return encodeFloatHistograms(s);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNK)
  public byte[] xorChunk(ChunkState s) {
    return encodeXor(s);
  }

  static byte[] encodeHistograms(ChunkState s) {
    HistogramChunkEncoder e = s.enc;
    e.reset(Header.UNKNOWN);
    for (int i = 0; i < CHUNK; i++) {
      if (!appended(e.append(s.ts[i], s.hs[i]))) {
        throw new IllegalStateException("cut at " + i);
      }
    }
    return e.bytes();
  }

  static byte[] encodeFloatHistograms(ChunkState s) {
    FloatHistogramChunkEncoder e = s.fenc;
    e.reset(Header.UNKNOWN);
    for (int i = 0; i < CHUNK; i++) {
      if (!appended(e.append(s.ts[i], s.fhs[i]))) {
        throw new IllegalStateException("cut at " + i);
      }
    }
    return e.bytes();
  }

  static byte[] encodeXor(ChunkState s) {
    for (int i = 0; i < CHUNK; i++) {
      s.xor.append(s.ts[i], s.vs[i]);
    }
    return s.xor.cut(256);
  }
}
