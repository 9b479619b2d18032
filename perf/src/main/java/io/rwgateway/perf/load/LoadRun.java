package io.rwgateway.perf.load;

import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The load generator: builds every batch's compressed template before the clock starts, runs the
 * senders (plus the churn and progress threads) for {@code --duration}, prints a summary on stderr
 * and one JSON line on stdout, then optionally verifies the series counts.
 */
public final class LoadRun {
  private LoadRun() {}

  /** Returns the process exit code: 0, 1 on bad flags, 2 when --verify finds a mismatch. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    LoadConfig cfg;
    try {
      cfg = LoadConfig.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 1;
    }
    if (cfg == null) {
      out.println(LoadConfig.USAGE);
      return 0;
    }
    SeriesModel model = new SeriesModel(cfg);
    TemplateBuilder builder = new TemplateBuilder(cfg, model);
    int batches = cfg.batches();
    AtomicReferenceArray<RequestTemplate> templates = new AtomicReferenceArray<>(batches);
    long cpu0 = cpuNanos();
    for (int q = 0; q < batches; q++) {
      templates.set(q, builder.build(q));
    }
    double setupCpu = (cpuNanos() - cpu0) / 1e9;
    err.printf(
        Locale.ROOT,
        "prepared %d templates (remote write %s, %d series x %d samples each at most) in %.1f s CPU: "
            + "%.1f MB protobuf, %.1f MB compressed (snappy-java would give %.1f MB)%n",
        batches,
        cfg.protocol == 1 ? "1.0" : "2.0",
        cfg.batch,
        cfg.samplesPerSeries,
        setupCpu,
        builder.rawBytes / 1e6,
        builder.compressedBytes / 1e6,
        builder.snappyJavaBytes / 1e6);
    int senders = Math.min(cfg.concurrency, batches);
    if (senders < cfg.concurrency) {
      err.printf(
          "only %d batches: running %d senders, not %d (a series must stay on one sender)%n",
          batches, senders, cfg.concurrency);
    }

    ReceiverProbe probe = cfg.receiverPid > 0 ? new ReceiverProbe(cfg.receiverPid) : null;
    long rssBefore = probe == null ? 0 : probe.statusBytes("VmRSS");
    RunStats stats = new RunStats();
    Sender.DeliveredSeries delivered = new Sender.DeliveredSeries(cfg);
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    long end = start + cfg.durationSeconds * 1_000_000_000L;
    long runCpu0 = cpuNanos();
    double receiverCpu0 = probe == null ? 0 : probe.cpuSeconds();
    Thread progress = daemon(new Progress(stats, start, err), "progress");
    if (!cfg.quiet) {
      progress.start();
    }
    Churner churner = new Churner(cfg, model, builder, templates, end);
    Thread churn = daemon(churner, "churn");
    if (cfg.churnIntervalSeconds > 0 && cfg.churnPercent > 0) {
      churn.start();
    }
    Thread[] threads = new Thread[senders];
    for (int c = 0; c < senders; c++) {
      threads[c] =
          new Thread(
              new Sender(cfg, c, templates, stats, model, delivered, start, end), "sender-" + c);
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    double receiverCpu = probe == null ? 0 : probe.cpuSeconds() - receiverCpu0;
    long peakRss = probe == null ? 0 : probe.statusBytes("VmHWM");
    progress.interrupt();
    churn.interrupt();
    churn.join();
    double runCpu = (cpuNanos() - runCpu0) / 1e9;
    long endMillis = System.currentTimeMillis();

    Report report =
        new Report(
            cfg,
            stats,
            secs,
            runCpu,
            setupCpu,
            builder,
            churner.churned,
            churner.rebuildNanos / 1e9);
    if (probe != null) {
      report.receiver(receiverCpu, rssBefore, peakRss);
    }
    Verifier.Outcome outcome = null;
    if (cfg.verify != null) {
      outcome = new Verifier(cfg, err).verify(delivered, startMillis, endMillis);
    }
    report.print(out, err, outcome);
    return outcome == null || outcome.ok() ? 0 : 2;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** CPU time of this whole process (all threads, JIT and GC included). */
  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
