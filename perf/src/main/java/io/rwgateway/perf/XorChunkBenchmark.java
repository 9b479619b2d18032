package io.rwgateway.perf;

import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Prometheus XOR chunk encoding and decoding, one full 120-sample chunk per invocation, on data
 * shaped like scrapes: 15 s interval with a few ms of jitter, and either a counter (small integer
 * increments), a gauge (random doubles) or a constant. Scores are per sample; the printed
 * bytes-per-sample figure comes from the chunk length.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class XorChunkBenchmark extends BenchmarkBase {
  private static final int N = XorChunk.MAX_SAMPLES;

  @Param({"counter", "gauge", "constant"})
  public String shape;

  private final long[] ts = new long[N];
  private final double[] vs = new double[N];
  private final XorChunk chunk = new XorChunk(256);
  private byte[] encoded;
  private final XorIterator it = new XorIterator();

  @Setup
  public void setUp() {
    Random r = new Random(42);
    long t = 1_700_000_000_000L;
    double v = 0;
    for (int i = 0; i < N; i++) {
      t += 15_000 + r.nextInt(5) - 2;
      switch (shape) {
        case "counter":
          v += r.nextInt(100);
          break;
        case "gauge":
          v = r.nextDouble() * 1000;
          break;
        default:
          v = 42;
          break;
      }
      ts[i] = t;
      vs[i] = v;
    }
    for (int i = 0; i < N; i++) {
      chunk.append(ts[i], vs[i]);
    }
    encoded = chunk.cut(256);
    System.out.printf("%n%s: %.2f bytes per sample%n", shape, (double) encoded.length / N);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public byte[] encode() {
    for (int i = 0; i < N; i++) {
      chunk.append(ts[i], vs[i]);
    }
    return chunk.cut(256);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double decode() {
    it.reset(encoded, encoded.length);
    double sum = 0;
    while (it.next()) {
      sum += it.v();
    }
    return sum;
  }
}
