package io.rwgateway.query;

import java.util.List;

/**
 * The samples of N replicas of one series merged into one stream, as Thanos' {@code pkg/dedup} does
 * for float samples: replicas are merged pairwise, left to right ({@code ((r0 + r1) + r2) ...}),
 * each pair by {@link PenaltyMerge}. Allocates only when built, never per sample.
 */
public final class DedupSamples implements SampleIterator {
  private final DedupCursor root;
  private boolean started;

  private DedupSamples(DedupCursor root) {
    this.root = root;
  }

  /** {@code replicas} must not be empty; each is read once, in time order. */
  public static DedupSamples of(List<? extends SampleIterator> replicas, DedupMode mode) {
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("no replicas");
    }
    DedupCursor root = new ReplicaCursor(replicas.get(0), mode);
    for (int i = 1; i < replicas.size(); i++) {
      root = new PenaltyMerge(root, new ReplicaCursor(replicas.get(i), mode));
    }
    return new DedupSamples(root);
  }

  @Override
  public boolean next() {
    started = true;
    return root.next();
  }

  /**
   * Moves to the first merged sample at or after {@code target}, stepping through the merge so the
   * result is the tail of what {@link #next()} alone would give; never goes back.
   */
  public boolean seek(long target) {
    if (!started) {
      started = true;
      if (!root.next()) {
        return false;
      }
    }
    return root.seek(target);
  }

  @Override
  public long t() {
    return root.t();
  }

  @Override
  public double v() {
    return root.v();
  }

  @Override
  public int encoding() {
    return root.source().encoding();
  }

  @Override
  public io.rwgateway.tsdb.chunk.Histogram histogram() {
    return root.source().histogram();
  }

  @Override
  public io.rwgateway.tsdb.chunk.FloatHistogram floatHistogram() {
    return root.source().floatHistogram();
  }
}
