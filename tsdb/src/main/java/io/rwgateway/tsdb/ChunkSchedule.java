package io.rwgateway.tsdb;

/**
 * When Prometheus 2.42's head cuts a histogram chunk by time, not by content: a chunk is planned to
 * end at the end of its block range; once it holds 30 samples (a quarter of the 120 it aims at) the
 * end is moved so that the rest of the range splits into chunks of equal length at the rate seen so
 * far; the next sample at or after that end starts a new chunk, and so does the 241st sample (the
 * rate went up). NOTE: for histograms the cut matters beyond the bytes: a chunk's bucket layout is
 * the union of its samples' buckets, and which (empty) buckets a histogram read back has shows in
 * {@code histogram_quantile} at its edges. Float chunks are cut by count only; their cut changes
 * nothing a reader sees.
 */
final class ChunkSchedule {
  /** The sample count the schedule aims at, and a quarter of which triggers the estimate. */
  static final int SAMPLES_PER_CHUNK = 120;

  /** Prometheus' default block range, the one histogram chunks are planned within by default. */
  public static final long DEFAULT_RANGE = 2 * 3600 * 1000L;

  private final long range;
  private long minT;
  private long nextAt;

  ChunkSchedule(long range) {
    if (range <= 0) {
      throw new IllegalArgumentException("range " + range);
    }
    this.range = range;
  }

  /** A chunk starts with a sample at {@code t}. */
  void start(long t) {
    minT = t;
    nextAt = rangeEnd(t, range);
  }

  /**
   * Whether a sample at {@code t} must start a new chunk, before it is added to one that holds
   * {@code count} samples (at least one), the last at {@code lastT}.
   */
  boolean cutBefore(long t, int count, long lastT) {
    if (count == SAMPLES_PER_CHUNK / 4) {
      nextAt = endTime(minT, lastT, nextAt);
    }
    return cut(t, count, nextAt);
  }

  /** The first planned end of a chunk starting at {@code t}: the end of its block range. */
  static long rangeEnd(long t, long range) {
    return (t / range) * range + range; // 2.42's rangeForTimestamp: Go's / truncates toward zero
  }

  /** Whether the next sample, at {@code t}, starts a new chunk ({@code count} >= 1 held). */
  static boolean cut(long t, int count, long nextAt) {
    return t >= nextAt || count >= SAMPLES_PER_CHUNK * 2;
  }

  /**
   * 2.42's computeChunkEndTime, in its integer arithmetic: the end that splits {@code [start, max)}
   * into chunks as long as it takes to fill a chunk at the rate of the first quarter, whose last
   * sample is at {@code cur}.
   */
  static long endTime(long start, long cur, long max) {
    long n = (max - start) / ((cur - start + 1) * 4);
    if (n <= 1) {
      return max;
    }
    return start + (max - start) / n;
  }
}
