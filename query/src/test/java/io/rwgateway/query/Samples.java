package io.rwgateway.query;

import java.util.ArrayList;
import java.util.List;

/** Hand-made replicas for the dedup tests; values compared bit for bit. */
final class Samples {
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  private Samples() {}

  /** A sample whose value is kept as raw bits, so a staleness marker differs from a plain NaN. */
  record S(long t, long bits) {
    @Override
    public String toString() {
      double v = Double.longBitsToDouble(bits);
      return t + ":" + (bits == 0x7ff0000000000002L ? "STALE" : Double.toString(v));
    }
  }

  static S s(long t, double v) {
    return new S(t, Double.doubleToRawLongBits(v));
  }

  /** A replica from alternating timestamps (ms) and values. */
  static SampleIterator replica(double... tv) {
    long[] ts = new long[tv.length / 2];
    double[] vs = new double[tv.length / 2];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = (long) tv[2 * i];
      vs[i] = tv[2 * i + 1];
    }
    return new SampleIterator() {
      int i = -1;

      @Override
      public boolean next() {
        if (i < ts.length) {
          i++;
        }
        return i < ts.length;
      }

      @Override
      public long t() {
        return ts[i];
      }

      @Override
      public double v() {
        return vs[i];
      }
    };
  }

  /**
   * Every {@code step} ms from {@code from} to {@code to} inclusive, value {@code t / 1000 + add}.
   */
  static SampleIterator every(long from, long to, long step, double add) {
    List<Double> tv = new ArrayList<>();
    for (long t = from; t <= to; t += step) {
      tv.add((double) t);
      tv.add(t / 1000.0 + add);
    }
    return replica(tv.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static List<S> drain(SampleIterator it) {
    List<S> out = new ArrayList<>();
    while (it.next()) {
      out.add(s(it.t(), it.v()));
    }
    return out;
  }
}
