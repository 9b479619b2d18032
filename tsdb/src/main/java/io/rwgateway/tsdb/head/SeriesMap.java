package io.rwgateway.tsdb.head;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Label-set hash to series, open addressing with linear probing over two parallel arrays: no
 * boxing, no entry objects. Hash collisions are resolved by comparing the label bytes with the
 * series' symbols ({@link SymbolTable#matches}). Only the writer thread (and replay, before readers
 * exist) adds; {@link #get} may run on any thread.
 *
 * <p>NOTE: slots hold the series itself rather than its ref: at 100k+ series every hop is a likely
 * cache miss, and going slot -> series -> labels instead of slot -> ref -> series table -> series
 * -> labels measurably shortens a lookup.
 *
 * <p>NOTE: lookups from other threads (the ingest event loops resolve series before the WAL writer
 * sees a batch, which takes the lookups' cache misses off the single writer) are safe without
 * locks: a table is published whole through a volatile field when it grows or drops removed series;
 * a reader that races an insert at worst misses the new series (the writer then finds or creates it
 * itself); a reader may still return a series truncation just removed, so the writer checks {@link
 * MemSeries#removed} on what event loops found. A slot is written with release and read with
 * acquire semantics (plain moves on x86), so a reader that sees a series also sees what was written
 * before it was inserted, such as its symbols in the {@link SymbolTable}.
 */
final class SeriesMap {
  private static final class Table {
    /** Per slot the 32-bit {@link #fold} of the series' label hash. */
    final int[] hashes;

    final MemSeries[] series;
    final int mask;

    Table(int cap) {
      hashes = new int[cap];
      series = new MemSeries[cap];
      mask = cap - 1;
    }
  }

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(MemSeries[].class);

  private final SymbolTable symbols;
  private volatile Table table;
  private int size;
  private int resizeAt;

  SeriesMap(int initialCapacity, SymbolTable symbols) {
    this.symbols = symbols;
    int cap = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
    table = new Table(cap);
    resizeAt = (int) (cap * 0.75f);
  }

  int size() {
    return size;
  }

  /** Heap bytes of the table (see {@link Head#memory}). Any thread. */
  long bytesHeld() {
    Table t = table;
    return HeapSizes.intArray(t.hashes.length) + HeapSizes.refArray(t.series.length);
  }

  /**
   * The label hash folded to 32 bits: the slot is its low bits, and the table keeps it whole to
   * skip most non-matching slots without comparing labels. NOTE: 32 bits instead of the 64-bit
   * hash: 8 MB less at 1M series. Within one probe sequence the stored values share their low bits,
   * so a mismatch still gets past the hash test about once in 2^(32 - log2 capacity) (once in ~2000
   * at 1M series) and is caught by the label compare.
   */
  private static int fold(long hash) {
    return (int) (hash ^ (hash >>> 32));
  }

  /** The series with these label bytes, or null. Any thread; see the class note. */
  MemSeries get(long hash, byte[] b, int off, int len) {
    return get(table, hash, b, off, len);
  }

  /**
   * {@link #get} for {@code n} label sets at once, into {@code out}. Any thread.
   *
   * <p>NOTE: in three passes. A lookup is a chain of dependent cache misses (slot, series, its pair
   * ids), so one lookup after another leaves the CPU waiting on one miss at a time. The first two
   * passes only load the first slot of every label set and the series found there; those loads do
   * not depend on each other, so many misses are in flight at once, and the lookups proper then run
   * on cached lines. A batch (2000 series, ~130 KB of these lines) fits in the L2 cache.
   */
  void getAll(long[] hashes, byte[] b, int[] offs, int[] lens, int n, Object[] out) {
    Table t = table;
    int m = t.mask;
    int[] h = t.hashes;
    MemSeries[] ss = t.series;
    long touched = 0;
    for (int k = 0; k < n; k++) {
      int i = fold(hashes[k]) & m;
      touched += h[i];
      out[k] = SLOT.getAcquire(ss, i);
    }
    for (int k = 0; k < n; k++) {
      MemSeries s = (MemSeries) out[k];
      if (s != null) {
        touched += s.labelRefs.length;
      }
    }
    for (int k = 0; k < n; k++) {
      out[k] = get(t, hashes[k], b, offs[k], lens[k]);
    }
    sink = touched;
  }

  /** Keeps the loads of {@link #getAll}'s first passes from being optimized away. */
  @SuppressWarnings("unused")
  private long sink;

  private MemSeries get(Table t, long hash, byte[] b, int off, int len) {
    int m = t.mask;
    int[] h = t.hashes;
    MemSeries[] ss = t.series;
    int f = fold(hash);
    for (int i = f & m; ; i = (i + 1) & m) {
      MemSeries s = (MemSeries) SLOT.getAcquire(ss, i);
      if (s == null) {
        return null;
      }
      if (h[i] == f && !s.removed && symbols.matches(s.labelRefs, b, off, len)) {
        return s;
      }
    }
  }

  /** Writer: adds a series known to be absent. */
  void put(long hash, MemSeries s) {
    if (size >= resizeAt) {
      grow();
    }
    insert(table, fold(hash), s);
    size++;
  }

  private static void insert(Table t, int folded, MemSeries s) {
    int m = t.mask;
    int i = folded & m;
    while (t.series[i] != null) {
      i = (i + 1) & m;
    }
    t.hashes[i] = folded;
    SLOT.setRelease(t.series, i, s);
  }

  private void grow() {
    rebuild(table.hashes.length * 2);
  }

  /**
   * Drops the series marked {@link MemSeries#removed}; only while the writer is excluded (head
   * truncation). A new table is built and published whole, as when growing, so lock-free readers
   * never see a half-moved probe sequence; it shrinks when most series are gone.
   */
  void removeMarked() {
    Table old = table;
    int live = 0;
    for (MemSeries s : old.series) {
      if (s != null && !s.removed) {
        live++;
      }
    }
    if (live == size) {
      return;
    }
    size = live;
    int cap = old.hashes.length;
    while (cap > 1024 && live < cap / 8) {
      cap >>>= 1;
    }
    rebuild(cap);
  }

  private void rebuild(int capacity) {
    Table old = table;
    Table next = new Table(capacity);
    for (int i = 0; i < old.series.length; i++) {
      MemSeries s = old.series[i];
      if (s != null && !s.removed) {
        insert(next, old.hashes[i], s);
      }
    }
    table = next;
    resizeAt = (int) (next.hashes.length * 0.75f);
  }
}
