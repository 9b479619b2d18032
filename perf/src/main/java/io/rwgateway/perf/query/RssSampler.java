package io.rwgateway.perf.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Samples the receivers' resident set (VmRSS in /proc/PID/status) every 100 ms on a daemon thread
 * and keeps the peaks: one over the whole query phase and one since the last {@link #takeWindow}.
 *
 * <p>NOTE: VmHWM would be cheaper but cannot be scoped to the query phase: it also holds the peak
 * of ingestion, which comes first. Short spikes between two samples are missed.
 */
final class RssSampler implements AutoCloseable {
  private final List<Receiver> receivers;
  private final long[] phasePeak;
  private final long[] windowPeak;
  private final Thread thread;
  private volatile boolean running = true;

  RssSampler(List<Receiver> receivers) {
    this.receivers = receivers;
    this.phasePeak = new long[receivers.size()];
    this.windowPeak = new long[receivers.size()];
    thread = new Thread(this::loop, "rss-sampler");
    thread.setDaemon(true);
  }

  void start() {
    sample();
    thread.start();
  }

  /** Current VmRSS of a process, in bytes. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone; the caller sees 0
    }
    return 0;
  }

  synchronized long phasePeak(int receiver) {
    return phasePeak[receiver];
  }

  /** The peaks since the previous call (one per receiver), and a new window starts. */
  synchronized long[] takeWindow() {
    long[] out = windowPeak.clone();
    for (int i = 0; i < receivers.size(); i++) {
      windowPeak[i] = rss(receivers.get(i).pid());
    }
    return out;
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  private synchronized void sample() {
    for (int i = 0; i < receivers.size(); i++) {
      long r = rss(receivers.get(i).pid());
      phasePeak[i] = Math.max(phasePeak[i], r);
      windowPeak[i] = Math.max(windowPeak[i], r);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the sampler is a daemon; leaving it is harmless
    }
  }
}
