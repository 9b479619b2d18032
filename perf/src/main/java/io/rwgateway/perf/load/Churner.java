package io.rwgateway.perf.load;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every {@code --churn-interval} seconds, replaces {@code --churn-percent} of the series (new
 * {@code cycle_id}) and rebuilds the templates of the batches they are in, off the send loop: the
 * senders pick the new template up on their next turn.
 */
final class Churner implements Runnable {
  private final LoadConfig cfg;
  private final SeriesModel model;
  private final TemplateBuilder builder;
  private final AtomicReferenceArray<RequestTemplate> templates;
  private final long endNanos;
  volatile long churned;
  volatile long rebuildNanos;

  Churner(
      LoadConfig cfg,
      SeriesModel model,
      TemplateBuilder builder,
      AtomicReferenceArray<RequestTemplate> templates,
      long endNanos) {
    this.cfg = cfg;
    this.model = model;
    this.builder = builder;
    this.templates = templates;
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    long next = System.nanoTime() + cfg.churnIntervalSeconds * 1_000_000_000L;
    while (next < endNanos) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      long t0 = System.nanoTime();
      BitSet touched = model.churn();
      for (int q = touched.nextSetBit(0); q >= 0; q = touched.nextSetBit(q + 1)) {
        templates.set(q, builder.build(q));
      }
      churned += (long) Math.ceil(cfg.series * cfg.churnPercent / 100.0);
      rebuildNanos += System.nanoTime() - t0;
      next += cfg.churnIntervalSeconds * 1_000_000_000L;
    }
  }
}
