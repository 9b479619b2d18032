package io.rwgateway.tsdb.head;

/**
 * Heap sizes of the head's structures on a 64-bit JVM with compressed references and 8-byte
 * alignment (the default below 32 GiB of heap): 12-byte object headers, 16-byte array headers,
 * 4-byte references. For {@link Head#memory}, an accounting estimate; checked against the JVM's
 * class histogram in docs/memory.md.
 */
final class HeapSizes {
  private HeapSizes() {}

  /** A {@link MemSeries} without histograms or exemplars (its {@link SeriesExtras}). */
  static final int SERIES = 88;

  /** A {@link Postings} object without its array. */
  static final int POSTINGS = 32;

  /** A ConcurrentHashMap entry (node) and its share of the table (at ~0.75 load: ~1.3 slots). */
  static final int MAP_ENTRY = 32 + 6;

  /** An empty ConcurrentHashMap with a small table. */
  static final int MAP = 64 + 80;

  static long byteArray(int n) {
    return align(16L + n);
  }

  static long intArray(int n) {
    return align(16L + 4L * n);
  }

  static long longArray(int n) {
    return align(16L + 8L * n);
  }

  static long refArray(int n) {
    return align(16L + 4L * n);
  }

  /** A Latin-1 String of {@code n} characters: the object and its byte array. */
  static long string(int n) {
    return 24 + byteArray(n);
  }

  private static long align(long n) {
    return (n + 7) & ~7L;
  }
}
