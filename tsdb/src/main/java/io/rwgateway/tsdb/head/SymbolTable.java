package io.rwgateway.tsdb.head;

import io.rwgateway.model.Varint;
import io.rwgateway.model.XxHash64;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The head's label pairs, each stored once; a series keeps only the ids of its pairs ({@link
 * #intern}), as uvarints in a small {@code byte[]}.
 *
 * <p>NOTE: why. Label sets repeat the same few pairs across series (job, instance, method, ...); at
 * 1M series the per-series label bytes (about 300 bytes for a typical 13-label set) were the
 * largest part of the head. Ids cut that to a few dozen bytes per series.
 *
 * <p>A symbol is one pair in canonical form: the name's uvarint length and UTF-8 bytes, then the
 * value's (the form of docs/format/wal.md), so the concatenation of a series' pairs is exactly its
 * canonical label bytes. Comparing a series with incoming label bytes ({@link #matches}) therefore
 * needs no decoding, only a walk over its pairs. Pairs rather than single strings halve the symbols
 * a lookup visits, which is most of its cost.
 *
 * <p>NOTE: pairs of a label whose values are mostly new (a pod name or request id unique to each
 * series) are kept inline in the series' bytes instead: as symbols they would cost an object and
 * table slots each (~70 bytes more than the text) and a cache miss on every lookup. Per label name
 * the table counts how often a pair was new; after {@link #LEARN_PAIRS} pairs of a name, a name
 * whose pairs were new more than half of the time is inlined from then on. Each entry of a series'
 * bytes is a uvarint {@code id << 1} for a symbol, or {@code length << 1 | 1} followed by that many
 * bytes of the pair itself.
 *
 * <p>NOTE: concurrency. Only the head's writer (or replay, or truncation with the writer excluded)
 * adds and releases symbols; readers ({@link #get}, {@link #matches}, {@link #canonical}, {@link
 * #compare}) run on any thread without locks. A symbol's bytes are written before the series that
 * uses it is published (the series map publishes with release semantics, the ref table through a
 * volatile field), so a reader that sees a series sees its symbols. Ids of symbols no series uses
 * any more are reused only after the following head truncation, and a released symbol's bytes stay
 * readable until then: a reader still holding a series that truncation removed (a lookup racing it)
 * reads the old strings, and queriers re-check {@link MemSeries#removed} after decoding.
 */
final class SymbolTable {
  /**
   * Id -> canonical bytes. Grown by copy and republished; a new entry is written into the current
   * array before any series refers to it. NOTE: one flat array, not pages: a lookup reads 10+
   * symbols, and a second dependent load per symbol was measurable.
   */
  private volatile byte[][] symbols = new byte[1024][];

  // ---- writer-only state ----
  private int[] refCounts = new int[1024];
  private int nextId;

  /** Ids freed by the last truncation, reusable after the next one. */
  private int[] pending = new int[16];

  private int pendingCount;
  private int[] free = new int[16];
  private int freeCount;

  /** Open addressing: id + 1 per slot (0 = empty), plus the low 32 bits of the symbol's hash. */
  private int[] slots;

  private int[] slotHash;
  private int size;
  private int resizeAt;

  SymbolTable() {
    allocateSlots(1024);
  }

  /**
   * Heap bytes of the symbols and the table's arrays (see {@link Head#memory}). Any thread: a racy
   * walk over the id array, an estimate.
   */
  long bytesHeld() {
    byte[][] a = symbols;
    long sum = HeapSizes.refArray(a.length);
    for (byte[] b : a) {
      if (b != null) {
        sum += HeapSizes.byteArray(b.length);
      }
    }
    int[] s = slots;
    return sum
        + HeapSizes.intArray(refCounts.length)
        + HeapSizes.intArray(s.length)
        + HeapSizes.intArray(slotHash.length);
  }

  /** Symbols in use. Writer. */
  int size() {
    return size;
  }

  /**
   * Writer: the entries (symbol ids or inline pairs, see the class note) of the pairs of canonical
   * label bytes, taking one reference on each symbol. The bytes must be valid canonical label bytes
   * (the ingest decoder and the WAL reader check them).
   */
  byte[] intern(byte[] b, int off, int len) {
    long[] entries = internEntries; // id << 1, or (pair offset << 32 | pair length) << 1 | 1
    int n = 0;
    int encoded = 0;
    int p = off;
    int end = off + len;
    while (p < end) {
      int start = p;
      int nameEnd = skipString(b, p);
      p = skipString(b, nameEnd);
      NameStats stats = nameStats(b, start, nameEnd);
      long entry;
      if (stats.inline) {
        entry = ((long) start << 32 | (p - start)) << 1 | 1;
        encoded += Varint.size((p - start) << 1 | 1) + (p - start);
      } else {
        int before = nextId - freeCount;
        int id = internOne(b, start, p - start);
        stats.observe(nextId - freeCount != before);
        entry = (long) id << 1;
        encoded += Varint.size(id << 1);
      }
      if (n == entries.length) {
        entries = Arrays.copyOf(entries, n * 2);
        internEntries = entries;
      }
      entries[n++] = entry;
    }
    byte[] out = new byte[encoded];
    int q = 0;
    for (int i = 0; i < n; i++) {
      long e = entries[i];
      if ((e & 1) == 0) {
        q = Varint.put(out, q, (int) (e >>> 1) << 1);
      } else {
        int pairOff = (int) (e >>> 33);
        int pairLen = (int) (e >>> 1) & 0x7fffffff;
        q = Varint.put(out, q, pairLen << 1 | 1);
        System.arraycopy(b, pairOff, out, q, pairLen);
        q += pairLen;
      }
    }
    return out;
  }

  /**
   * Writer: {@link #intern}'s scratch. NOTE: creating a million series in seconds made each
   * allocation per series a GC burst that G1 answered by growing the heap (docs/memory.md); the
   * series' own id array is the only allocation left here.
   */
  private long[] internEntries = new long[32];

  /** Label pairs seen per name before deciding whether the name's pairs are kept inline. */
  static final int LEARN_PAIRS = 1000;

  /** Writer: how new the pairs of one label name have been. */
  private static final class NameStats {
    int seen;
    int created;
    boolean inline;

    void observe(boolean isNew) {
      if (seen < LEARN_PAIRS) {
        seen++;
        if (isNew) {
          created++;
        }
        if (seen == LEARN_PAIRS) {
          inline = created * 2 > seen;
        }
      }
    }
  }

  /** Per label name (its UTF-8 bytes), looked up without making a String. Writer. */
  private final HashMap<NameKey, NameStats> names = new HashMap<>();

  private final NameKey probe = new NameKey();

  private NameStats nameStats(byte[] b, int nameStart, int nameEnd) {
    int l = stringLength(b, nameStart);
    NameStats st = names.get(probe.of(b, nameEnd - l, l));
    if (st == null) {
      st = new NameStats();
      names.put(new NameKey().of(Arrays.copyOfRange(b, nameEnd - l, nameEnd), 0, l), st);
    }
    return st;
  }

  /** True when a name's pairs are now stored inline (tests). */
  boolean inlines(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    NameStats st = names.get(new NameKey().of(n, 0, n.length));
    return st != null && st.inline;
  }

  /** A range of bytes as a map key; the writer's one probe is reset for each lookup. */
  private static final class NameKey {
    private byte[] b;
    private int off;
    private int len;
    private int hash;

    NameKey of(byte[] bytes, int offset, int length) {
      b = bytes;
      off = offset;
      len = length;
      hash = (int) XxHash64.hash(bytes, offset, length, 0);
      return this;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NameKey k
          && k.hash == hash
          && Arrays.equals(b, off, off + len, k.b, k.off, k.off + k.len);
    }
  }

  /** The canonical bytes of symbol {@code id} (not to be changed). Any thread. */
  byte[] bytes(int id) {
    return symbols[id];
  }

  /** True when the pairs of {@code refs} spell exactly {@code b[off, off+len)}. Any thread. */
  boolean matches(byte[] refs, byte[] b, int off, int len) {
    byte[][] pg = symbols;
    int p = off;
    int end = off + len;
    int i = 0;
    while (i < refs.length) {
      int h = Varint.getInt(refs, i);
      i += Varint.size(h);
      int n = h >>> 1;
      if ((h & 1) != 0) {
        if (n > end - p || !sameBytes(refs, i, n, b, p)) {
          return false;
        }
        i += n;
      } else {
        byte[] s = pg[n];
        n = s.length;
        if (n > end - p || !sameBytes(s, 0, n, b, p)) {
          return false;
        }
      }
      p += n;
    }
    return p == end;
  }

  /** The canonical label bytes the pairs of {@code refs} spell. Any thread. */
  byte[] canonical(byte[] refs) {
    byte[][] pg = symbols;
    int total = 0;
    for (int i = 0; i < refs.length; ) {
      int h = Varint.getInt(refs, i);
      i += Varint.size(h);
      if ((h & 1) != 0) {
        total += h >>> 1;
        i += h >>> 1;
      } else {
        total += pg[h >>> 1].length;
      }
    }
    byte[] out = new byte[total];
    int q = 0;
    for (int i = 0; i < refs.length; ) {
      int h = Varint.getInt(refs, i);
      i += Varint.size(h);
      if ((h & 1) != 0) {
        System.arraycopy(refs, i, out, q, h >>> 1);
        q += h >>> 1;
        i += h >>> 1;
      } else {
        byte[] s = pg[h >>> 1];
        System.arraycopy(s, 0, out, q, s.length);
        q += s.length;
      }
    }
    return out;
  }

  /**
   * Orders two series' labels as the block index does: pair by pair, name then value, each by
   * unsigned bytes (UTF-8 byte order is code point order), a prefix first. Equal ids are equal
   * pairs, so only differing pairs are read. Any thread.
   */
  int compare(byte[] a, byte[] b) {
    byte[][] pg = symbols;
    int pa = 0;
    int pb = 0;
    while (pa < a.length && pb < b.length) {
      int ha = Varint.getInt(a, pa);
      pa += Varint.size(ha);
      int hb = Varint.getInt(b, pb);
      pb += Varint.size(hb);
      if ((ha & 1) == 0 && ha == hb) {
        continue; // the same symbol
      }
      byte[] sa = a;
      int oa = pa;
      byte[] sb = b;
      int ob = pb;
      if ((ha & 1) != 0) {
        pa += ha >>> 1;
      } else {
        sa = pg[ha >>> 1];
        oa = 0;
      }
      if ((hb & 1) != 0) {
        pb += hb >>> 1;
      } else {
        sb = pg[hb >>> 1];
        ob = 0;
      }
      int c = comparePairs(sa, oa, sb, ob);
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(pa < a.length, pb < b.length);
  }

  /**
   * Truncation (writer excluded): drops one reference from each symbol of {@code refs}; symbols
   * left without any are freed by {@link #endTruncation}.
   */
  void release(byte[] refs) {
    for (int i = 0; i < refs.length; ) {
      int h = Varint.getInt(refs, i);
      i += Varint.size(h);
      if ((h & 1) != 0) {
        i += h >>> 1;
      } else {
        int id = h >>> 1;
        refCounts[id]--;
      }
    }
  }

  /**
   * Truncation (writer excluded), after every {@link #release}: ids freed by the previous
   * truncation become reusable, ids without references now wait for the next one, and the lookup
   * table is rebuilt without them. Their bytes stay readable until the id is reused.
   */
  void endTruncation() {
    for (int i = 0; i < pendingCount; i++) {
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, freeCount * 2);
      }
      free[freeCount++] = pending[i];
    }
    pendingCount = 0;
    byte[][] pg = symbols;
    int live = 0;
    for (int id = 0; id < nextId; id++) {
      int rc = refCounts[id];
      if (rc > 0) {
        live++;
      } else if (rc == 0) {
        refCounts[id] = -1; // freed; -1 keeps it out of later passes
        if (pendingCount == pending.length) {
          pending = Arrays.copyOf(pending, pendingCount * 2);
        }
        pending[pendingCount++] = id;
      }
    }
    if (live == size) {
      return;
    }
    allocateSlots(Math.max(1024, Integer.highestOneBit(Math.max(1, live) * 2) * 2));
    size = 0;
    for (int id = 0; id < nextId; id++) {
      if (refCounts[id] > 0) {
        byte[] s = pg[id];
        insertSlot(id, (int) XxHash64.hash(s, 0, s.length, 0));
        size++;
      }
    }
  }

  private int internOne(byte[] b, int off, int len) {
    int h = (int) XxHash64.hash(b, off, len, 0);
    int mask = slots.length - 1;
    byte[][] pg = symbols;
    for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
      int v = slots[i];
      if (v == 0) {
        break;
      }
      if (slotHash[i] == h) {
        int id = v - 1;
        byte[] s = pg[id];
        if (Arrays.equals(s, 0, s.length, b, off, off + len)) {
          refCounts[id]++;
          return id;
        }
      }
    }
    int id = newId();
    byte[] s = Arrays.copyOfRange(b, off, off + len);
    symbols[id] = s;
    refCounts[id] = 1;
    if (size >= resizeAt) {
      growSlots();
    }
    insertSlot(id, h);
    size++;
    return id;
  }

  private int newId() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    int id = nextId++;
    byte[][] pg = symbols;
    if (id == pg.length) {
      refCounts = Arrays.copyOf(refCounts, id * 2);
      symbols = Arrays.copyOf(pg, id * 2); // published before any series can refer to the new id
    }
    return id;
  }

  private void growSlots() {
    int[] oldSlots = slots;
    int[] oldHash = slotHash;
    allocateSlots(oldSlots.length * 2);
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] != 0) {
        insertSlot(oldSlots[i] - 1, oldHash[i]);
      }
    }
  }

  private void allocateSlots(int capacity) {
    slots = new int[capacity];
    slotHash = new int[capacity];
    resizeAt = capacity / 2;
  }

  private void insertSlot(int id, int h) {
    int mask = slots.length - 1;
    int i = mix(h) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = id + 1;
    slotHash[i] = h;
  }

  private static int mix(int h) {
    return h ^ (h >>> 16);
  }

  /** Name, then value, of two canonical pairs; each by unsigned bytes, a prefix first. */
  private static int comparePairs(byte[] a, int pa, byte[] b, int pb) {
    for (int k = 0; k < 2; k++) {
      int ea = skipString(a, pa);
      int eb = skipString(b, pb);
      int c =
          Arrays.compareUnsigned(a, ea - stringLength(a, pa), ea, b, eb - stringLength(b, pb), eb);
      if (c != 0) {
        return c;
      }
      pa = ea;
      pb = eb;
    }
    return 0;
  }

  /** The position after the length-prefixed string at {@code p}. */
  private static int skipString(byte[] b, int p) {
    int len = Varint.getInt(b, p);
    return p + Varint.size(len) + len;
  }

  /** The byte length of the string (without its prefix) at {@code p}. */
  private static int stringLength(byte[] b, int p) {
    return Varint.getInt(b, p);
  }

  /**
   * {@code s[so, so + n) == b[p, p + n)}, eight bytes at a time; the caller checked that b is long
   * enough. NOTE: pairs are short (~20-40 bytes), where {@code Arrays.equals}' range checks and
   * intrinsic call cost more than the comparison.
   */
  private static boolean sameBytes(byte[] s, int so, int n, byte[] b, int p) {
    if (n < 8) {
      for (int k = 0; k < n; k++) {
        if (s[so + k] != b[p + k]) {
          return false;
        }
      }
      return true;
    }
    // Whole words, then the last eight bytes as one (overlapping) word: no byte loop whose trip
    // count changes from pair to pair.
    int last = n - 8;
    for (int k = 0; k < last; k += 8) {
      if ((long) LONG.get(s, so + k) != (long) LONG.get(b, p + k)) {
        return false;
      }
    }
    return (long) LONG.get(s, so + last) == (long) LONG.get(b, p + last);
  }

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
}
