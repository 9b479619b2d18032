package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkEncoding;

/**
 * Thanos' penalty merge of two replicas ({@code pkg/dedup}, {@code dedupSeriesIterator}): give out
 * the earlier of the two next samples, then hold the other replica back by a penalty so the merge
 * stays on the replica it is reading until that one has a gap.
 *
 * <p>After a sample at {@code t} from one replica, each replica is advanced to its first sample
 * after {@code t + penalty}. The chosen replica's penalty is 0; the other's is twice the step just
 * taken ({@code 2 * (t - previous t)}), or {@link #INITIAL_PENALTY} after the first sample. So the
 * other replica is only used when the current one has nothing within two of its own steps, and
 * samples of the other replica a scrape offset away are never given out beside the current one.
 */
final class PenaltyMerge extends DedupCursor {
  /** Thanos' penalty after the first sample, when no step is known yet: 5 s in ms. */
  static final long INITIAL_PENALTY = 5000;

  private final DedupCursor a;
  private final DedupCursor b;
  private boolean hasA;
  private boolean hasB;
  private boolean started;
  private boolean useA = true;
  private long lastT = Long.MIN_VALUE;
  private long penA;
  private long penB;

  PenaltyMerge(DedupCursor a, DedupCursor b) {
    this.a = a;
    this.b = b;
    // Like Thanos, both sides are started here and the first next() picks between them.
    this.hasA = a.next();
    this.hasB = b.next();
  }

  @Override
  boolean next() {
    // NOTE: as in Thanos, before the first sample the "last value" is a's current one, so a counter
    // merge that starts on b may shift b up to a's first value.
    // Only after a float: a histogram has no value to carry over (Thanos adjusts floats only).
    boolean hadLast = (useA ? hasA : hasB) && current().source().encoding() == ChunkEncoding.XOR;
    double lastValue = hadLast ? current().v() : 0;
    boolean wasA = useA;
    started = true;

    boolean ok = step();

    if (useA != wasA && hadLast) {
      adjustAtValue(lastValue);
    }
    return ok;
  }

  private boolean step() {
    if (hasA) {
      hasA = a.seek(lastT + 1 + penA);
    }
    if (hasB) {
      hasB = b.seek(lastT + 1 + penB);
    }
    if (!hasA) {
      useA = false;
      if (hasB) {
        lastT = b.t();
        penB = 0;
      }
      return hasB;
    }
    if (!hasB) {
      useA = true;
      lastT = a.t();
      penA = 0;
      return true;
    }
    long ta = a.t();
    long tb = b.t();
    useA = ta <= tb;
    long t = useA ? ta : tb;
    long penaltyForOther = lastT == Long.MIN_VALUE ? INITIAL_PENALTY : 2 * (t - lastT);
    if (useA) {
      penA = 0;
      penB = penaltyForOther;
    } else {
      penB = 0;
      penA = penaltyForOther;
    }
    lastT = t;
    return true;
  }

  @Override
  boolean seek(long target) {
    if (!started && !next()) {
      return false;
    }
    // Thanos seeks by stepping, so the penalties stay as they would be without the seek.
    while (valid()) {
      long t = t();
      if (t >= target) {
        return true;
      }
      if (!next()) {
        return false;
      }
    }
    return false;
  }

  private boolean valid() {
    return useA ? hasA : hasB;
  }

  private DedupCursor current() {
    return useA ? a : b;
  }

  @Override
  long t() {
    return current().t();
  }

  @Override
  double v() {
    return current().v();
  }

  @Override
  SampleIterator source() {
    return current().source();
  }

  @Override
  void adjustAtValue(double lastValue) {
    if (hasA) {
      a.adjustAtValue(lastValue);
    }
    if (hasB) {
      b.adjustAtValue(lastValue);
    }
  }
}
