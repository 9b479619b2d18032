package io.rwgateway.perf.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one line a second on stderr: rates over the last second, errors so far, p99 of the second.
 */
final class Progress implements Runnable {
  private final RunStats stats;
  private final long startNanos;
  private final PrintStream out;

  Progress(RunStats stats, long startNanos, PrintStream out) {
    this.stats = stats;
    this.startNanos = startNanos;
    this.out = out;
  }

  @Override
  public void run() {
    long prevSamples = 0;
    long prevRequests = 0;
    long prevNanos = startNanos;
    long[] prevHist = stats.latency.snapshot();
    long tick = startNanos;
    while (true) {
      tick += 1_000_000_000L;
      long wait = tick - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      long now = System.nanoTime();
      long samples = stats.samplesOk.sum();
      long requests = stats.requests.sum();
      long[] hist = stats.latency.snapshot();
      double dt = (now - prevNanos) / 1e9;
      out.printf(
          Locale.ROOT,
          "%5.0fs  %,10.0f samples/s  %7.1f req/s  errors %d  p99 %.1f ms%n",
          (now - startNanos) / 1e9,
          (samples - prevSamples) / dt,
          (requests - prevRequests) / dt,
          stats.errors.sum(),
          LatencyHistogram.percentile(hist, prevHist, 0.99));
      prevSamples = samples;
      prevRequests = requests;
      prevNanos = now;
      prevHist = hist;
    }
  }
}
