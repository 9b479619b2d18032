package io.rwgateway.perf.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies in microseconds, log-linear buckets with 64 steps per power of two (within
 * about 1.6%), shared by all senders. Percentiles over an interval come from the difference of two
 * {@link #snapshot()}s.
 */
final class LatencyHistogram {
  private static final int LINEAR = 128;
  private static final int SUB_BITS = 6;
  private static final int BUCKETS = LINEAR + (63 - 7) * (1 << SUB_BITS);
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long nanos) {
    counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
  }

  long[] snapshot() {
    long[] s = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      s[i] = counts.get(i);
    }
    return s;
  }

  static int index(long micros) {
    if (micros < LINEAR) {
      return (int) micros;
    }
    int e = 63 - Long.numberOfLeadingZeros(micros);
    return LINEAR
        + (e - 7) * (1 << SUB_BITS)
        + (int) ((micros >>> (e - SUB_BITS)) & ((1 << SUB_BITS) - 1));
  }

  /** The upper bound of a bucket in milliseconds. */
  static double upperMillis(int index) {
    if (index < LINEAR) {
      return (index + 1) / 1000.0;
    }
    int e = (index - LINEAR) / (1 << SUB_BITS) + 7;
    long sub = (index - LINEAR) % (1 << SUB_BITS);
    long lo = (1L << e) + (sub << (e - SUB_BITS));
    return (lo + (1L << (e - SUB_BITS))) / 1000.0;
  }

  /**
   * Percentile p (0..1) of {@code now - before} (before may be null), in milliseconds; 0 when
   * empty.
   */
  static double percentile(long[] now, long[] before, double p) {
    long total = 0;
    for (int i = 0; i < now.length; i++) {
      total += now[i] - (before == null ? 0 : before[i]);
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    for (int i = 0; i < now.length; i++) {
      seen += now[i] - (before == null ? 0 : before[i]);
      if (seen >= Math.max(1, rank)) {
        return upperMillis(i);
      }
    }
    return upperMillis(now.length - 1);
  }
}
