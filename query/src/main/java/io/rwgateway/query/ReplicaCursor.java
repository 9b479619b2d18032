package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkEncoding;

/** One replica's samples, with the counter offset the merge may add to it. */
final class ReplicaCursor extends DedupCursor {
  private final SampleIterator it;
  private final boolean counter;
  private boolean started;
  private boolean valid;
  // NOTE: only grows, and stays for the rest of the replica: once shifted, all its later samples
  // must be shifted too or the merged counter would drop again.
  private double offset;

  ReplicaCursor(SampleIterator it, DedupMode mode) {
    this.it = it;
    this.counter = mode == DedupMode.COUNTER;
  }

  @Override
  boolean next() {
    started = true;
    valid = it.next();
    return valid;
  }

  @Override
  boolean seek(long target) {
    if (!started && !next()) {
      return false;
    }
    while (valid && it.t() < target) {
      next();
    }
    return valid;
  }

  @Override
  long t() {
    return it.t();
  }

  @Override
  double v() {
    double v = it.v();
    // NOTE: NaN + x would turn a staleness marker (a signalling NaN bit pattern) into a plain NaN;
    // pass NaNs through untouched.
    if (offset == 0 || Double.isNaN(v)) {
      return v;
    }
    return v + offset;
  }

  @Override
  SampleIterator source() {
    return it;
  }

  @Override
  void adjustAtValue(double lastValue) {
    // Histograms are not adjusted (Thanos neither): only a float counter can be shifted.
    if (!counter || it.encoding() != ChunkEncoding.XOR) {
      return;
    }
    double v = v();
    if (lastValue > v) {
      offset += lastValue - v;
    }
  }
}
