package io.rwgateway.perf.query;

import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.xerial.snappy.Snappy;

/**
 * Remote-writes the data set into every receiver, the same bodies to each, in time order: one time
 * slice (every series' sample at one timestamp) after the other, split into requests of at most
 * {@code batch} series.
 *
 * <p>NOTE: Prometheus 2.42's head refuses (400, "out of bounds") a sample older than its newest
 * sample minus half a block range (1 h) unless the out-of-order window is on. Sending slice after
 * slice keeps every sample within 15 s of the newest, so hours of history go in without the
 * out-of-order path (which would change how Prometheus reads its head, and so what is measured).
 * One sender thread per receiver keeps its requests in order; each runs at its receiver's pace, at
 * most 32 requests ahead of the slower one.
 */
final class Writer {
  private static final byte[] STOP = new byte[0];

  private final Http http;
  private final PrintStream log;

  Writer(Http http, PrintStream log) {
    this.http = http;
    this.log = log;
  }

  void write(DataSet data, List<Receiver> receivers, int batch)
      throws IOException, InterruptedException {
    AtomicReference<Exception> failed = new AtomicReference<>();
    List<BlockingQueue<byte[]>> queues = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (Receiver r : receivers) {
      BlockingQueue<byte[]> q = new ArrayBlockingQueue<>(32);
      queues.add(q);
      Thread t = new Thread(() -> send(r, q, failed), "write-" + r.name());
      t.start();
      threads.add(t);
    }
    long start = System.nanoTime();
    int n = data.seriesCount();
    try {
      for (int slice = 0; slice < data.slices && failed.get() == null; slice++) {
        long t = data.nextSlice();
        for (int from = 0; from < n; from += batch) {
          WriteRequest.Builder req = WriteRequest.newBuilder();
          for (int s = from; s < Math.min(n, from + batch); s++) {
            req.addTimeseries(
                TimeSeries.newBuilder()
                    .addAllLabels(data.labels(s))
                    .addSamples(Sample.newBuilder().setTimestamp(t).setValue(data.value(s))));
          }
          byte[] body = Snappy.compress(req.build().toByteArray());
          for (BlockingQueue<byte[]> q : queues) {
            q.put(body);
          }
        }
        if (slice % 40 == 39) {
          log.printf(Locale.ROOT, "  wrote %d of %d slices%n", slice + 1, data.slices);
        }
      }
    } finally {
      for (BlockingQueue<byte[]> q : queues) {
        q.put(STOP);
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    if (failed.get() != null) {
      throw new IOException("remote write failed", failed.get());
    }
    log.printf(
        Locale.ROOT,
        "wrote %d series x %d samples to each receiver in %.1f s%n",
        n,
        data.slices,
        (System.nanoTime() - start) / 1e9);
  }

  private void send(Receiver r, BlockingQueue<byte[]> q, AtomicReference<Exception> failed) {
    try {
      for (byte[] body = q.take(); body != STOP; body = q.take()) {
        // After a failure keep draining, so the producer never blocks on a full queue.
        if (failed.get() == null) {
          try {
            http.write(r.writeUrl(), body);
          } catch (IOException e) {
            failed.compareAndSet(null, new IOException(r.name() + ": " + e.getMessage(), e));
          }
        }
      }
    } catch (InterruptedException e) {
      failed.compareAndSet(null, e);
    }
  }
}
