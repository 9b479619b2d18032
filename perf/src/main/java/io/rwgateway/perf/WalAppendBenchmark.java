package io.rwgateway.perf;

import io.rwgateway.wal.RecordEncoder;
import io.rwgateway.wal.Wal;
import io.rwgateway.wal.WalOptions;
import io.rwgateway.wal.WalSyncMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * WAL append throughput: one op is one record of {@code samples} float samples (multiply ops/s by
 * it for samples/s). {@code syncEvery} = N calls {@link Wal#sync()} after every N appends, as a
 * BATCH-mode writer does after each group; 0 never syncs (the INTERVAL-mode write path).
 *
 * <p>{@code append} measures the WAL alone (CRC32C + copy into Chronicle) with a payload encoded
 * once; {@code encodeAndAppend} adds encoding the record from primitive columns, which is what the
 * tenant writer pays per request. Run with Chronicle's JVM flags (root pom property {@code
 * chronicle.jvm.flags}) via {@code -jvmArgsAppend}, and {@code -prof gc} to see B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WalAppendBenchmark extends BenchmarkBase {
  @Param({"2000"})
  int samples;

  @Param({"0", "16", "1"})
  int syncEvery;

  private Path dir;
  private Wal wal;
  private final RecordEncoder encoder = new RecordEncoder();
  private ByteBuffer payload;
  private int payloadLen;
  private long[] refs;
  private double[] values;
  private long t = 1_700_000_000_000L;
  private int sinceSync;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("wal-bench");
    wal = Wal.open(dir, new WalOptions(WalSyncMode.BATCH, Duration.ofSeconds(1)));
    refs = new long[samples];
    values = new double[samples];
    for (int i = 0; i < samples; i++) {
      refs[i] = 10_000 + i;
      values[i] = i * 1.25;
    }
    encodeInto(encoder);
    payload = encoder.finish();
    payloadLen = payload.remaining();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    wal.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A scrape-shaped record: every series one sample at one timestamp. */
  private void encodeInto(RecordEncoder enc) {
    enc.reset();
    long ts = t;
    for (int i = 0; i < samples; i++) {
      enc.addSample(refs[i], ts, values[i]);
    }
  }

  @Benchmark
  public void append() throws IOException {
    payload.limit(payloadLen).position(0);
    wal.append(payload);
    maybeSync();
  }

  @Benchmark
  public void encodeAndAppend() throws IOException {
    t += 15_000;
    encodeInto(encoder);
    wal.append(encoder.finish());
    maybeSync();
  }

  private void maybeSync() throws IOException {
    if (syncEvery > 0 && ++sinceSync >= syncEvery) {
      sinceSync = 0;
      wal.sync();
    }
  }
}
