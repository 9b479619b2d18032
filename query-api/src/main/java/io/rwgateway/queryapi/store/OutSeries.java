package io.rwgateway.queryapi.store;

import io.rwgateway.model.Labels;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One series as served: its final labels and its chunks (time-ordered, bytes copied out of the
 * store into one array), or no chunks when the request skips them. Chunks are kept as flat arrays,
 * not protobuf objects: {@link SeriesFrames} writes them into the wire format directly.
 */
final class OutSeries {
  final Labels labels;
  private final int n;
  private final long[] minT;
  private final long[] maxT;
  private final byte[] type; // the StoreAPI's Chunk.Encoding number
  private final int[] off; // chunk i is data[off[i], off[i + 1])
  private final byte[] data;

  private OutSeries(
      Labels labels, int n, long[] minT, long[] maxT, byte[] type, int[] off, byte[] data) {
    this.labels = labels;
    this.n = n;
    this.minT = minT;
    this.maxT = maxT;
    this.type = type;
    this.off = off;
    this.data = data;
  }

  private static final long[] NO_TIMES = new long[0];
  private static final int[] NO_OFFSETS = {0};
  private static final byte[] NO_BYTES = new byte[0];

  /** A series without chunks (the request skips them). */
  static OutSeries labelsOnly(Labels labels) {
    return new OutSeries(labels, 0, NO_TIMES, NO_TIMES, NO_BYTES, NO_OFFSETS, NO_BYTES);
  }

  int chunkCount() {
    return n;
  }

  long minTime(int i) {
    return minT[i];
  }

  long maxTime(int i) {
    return maxT[i];
  }

  /** The StoreAPI's {@code Chunk.Encoding} number of chunk i. */
  int type(int i) {
    return type[i];
  }

  byte[] data() {
    return data;
  }

  int offset(int i) {
    return off[i];
  }

  int length(int i) {
    return off[i + 1] - off[i];
  }

  /** The sample count in chunk i's 2-byte big-endian header (every encoding starts with it). */
  int samples(int i) {
    return ((data[off[i]] & 0xff) << 8) | (data[off[i] + 1] & 0xff);
  }

  private boolean sameChunk(int i, OutSeries o, int j) {
    return minT[i] == o.minT[j]
        && maxT[i] == o.maxT[j]
        && type[i] == o.type[j]
        && Arrays.equals(data, off[i], off[i + 1], o.data, o.off[j], o.off[j + 1]);
  }

  /**
   * The series with {@code other}'s chunks too (same labels): chunks sorted by first, then last
   * time (as Thanos sorts a merged series' chunks), exact duplicates (same times and bytes, as two
   * replicas of one head chunk) kept once, as Thanos' proxy does for series that several stores
   * return.
   */
  OutSeries mergedWith(OutSeries other) {
    if (other.n == 0) {
      return this;
    }
    if (n == 0) {
      return new OutSeries(
          labels, other.n, other.minT, other.maxT, other.type, other.off, other.data);
    }
    // Each entry names a chunk: (source << 31 | index), sorted by the chunk's times.
    OutSeries[] src = {this, other};
    Long[] all = new Long[n + other.n];
    for (int i = 0; i < n; i++) {
      all[i] = (long) i;
    }
    for (int j = 0; j < other.n; j++) {
      all[n + j] = 1L << 31 | j;
    }
    Arrays.sort(
        all,
        (x, y) -> {
          OutSeries a = src[(int) (x >>> 31)];
          OutSeries b = src[(int) (y >>> 31)];
          int i = (int) (x & 0x7FFF_FFFF);
          int j = (int) (y & 0x7FFF_FFFF);
          int c = Long.compare(a.minT[i], b.minT[j]);
          return c != 0 ? c : Long.compare(a.maxT[i], b.maxT[j]);
        });
    Builder out = new Builder();
    long[] kept = new long[all.length];
    int k = 0;
    for (long e : all) {
      OutSeries s = src[(int) (e >>> 31)];
      int i = (int) (e & 0x7FFF_FFFF);
      boolean dup = false;
      // Equal chunks have equal times, so they sit in one run of equal (min, max) pairs.
      for (int q = k - 1; q >= 0; q--) {
        OutSeries ks = src[(int) (kept[q] >>> 31)];
        int ki = (int) (kept[q] & 0x7FFF_FFFF);
        if (ks.minT[ki] != s.minT[i] || ks.maxT[ki] != s.maxT[i]) {
          break;
        }
        if (ks.sameChunk(ki, s, i)) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        kept[k++] = e;
        out.add(s.minT[i], s.maxT[i], s.type[i], s.data, s.off[i], s.length(i));
      }
    }
    return out.build(labels);
  }

  /** Collects one series' chunks; reused from series to series by one reader. */
  static final class Builder {
    private int n;
    private long[] minT = new long[8];
    private long[] maxT = new long[8];
    private byte[] type = new byte[8];
    private int[] off = new int[9];
    private byte[] data = new byte[4096];

    void reset() {
      n = 0;
    }

    /** Appends a chunk, copying its bytes (from the buffer's position to its limit). */
    void add(long min, long max, int storeType, ByteBuffer bytes) {
      int len = bytes.remaining();
      int at = reserve(len);
      bytes.get(bytes.position(), data, at, len);
      commit(min, max, storeType, len);
    }

    void add(long min, long max, int storeType, byte[] src, int from, int len) {
      int at = reserve(len);
      System.arraycopy(src, from, data, at, len);
      commit(min, max, storeType, len);
    }

    private int reserve(int len) {
      if (n + 1 == minT.length) {
        int cap = minT.length * 2;
        minT = Arrays.copyOf(minT, cap);
        maxT = Arrays.copyOf(maxT, cap);
        type = Arrays.copyOf(type, cap);
        off = Arrays.copyOf(off, cap + 1);
      }
      int at = off[n];
      if (at + len > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, at + len));
      }
      return at;
    }

    private void commit(long min, long max, int storeType, int len) {
      minT[n] = min;
      maxT[n] = max;
      type[n] = (byte) storeType;
      off[n + 1] = off[n] + len;
      n++;
    }

    /** The series with the chunks added since {@link #reset}, in arrays of their exact size. */
    OutSeries build(Labels labels) {
      if (n == 0) {
        return labelsOnly(labels);
      }
      return new OutSeries(
          labels,
          n,
          Arrays.copyOf(minT, n),
          Arrays.copyOf(maxT, n),
          Arrays.copyOf(type, n),
          Arrays.copyOf(off, n + 1),
          Arrays.copyOf(data, off[n]));
    }
  }
}
