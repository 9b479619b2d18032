package io.rwgateway.tsdb.head;

import io.rwgateway.model.Varint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label name -> value -> postings. Written by the writer thread when a series is created (and by
 * head truncation, which excludes the writer), read by queriers concurrently (concurrent maps,
 * {@link Postings} safe for lock-free readers).
 *
 * <p>NOTE: each distinct name and value exists as one String, the map key; series keep only their
 * label bytes. Strings are built when a series brings a pair the head does not hold, never per
 * sample.
 */
final class LabelIndex {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Postings>> byName =
      new ConcurrentHashMap<>();

  /**
   * Writer: postings of each symbol id ({@link SymbolTable}), so that a series whose pairs the head
   * already knows is indexed without decoding a string. NOTE: decoding two strings per pair to find
   * the maps' entries made ~1.4 KB of garbage per new series, and a million new series a GC burst
   * that grew the heap by hundreds of MB (docs/memory.md). An entry is dropped when truncation
   * empties its postings, which is when its symbol loses its last series, before the id can be
   * reused.
   */
  private Postings[] bySymbol = new Postings[1024];

  /**
   * Adds {@code ref} to the postings of each label pair of a series' {@link SymbolTable#intern}
   * entries.
   */
  void add(int ref, byte[] entries, SymbolTable symbols) {
    for (int i = 0; i < entries.length; ) {
      int h = Varint.getInt(entries, i);
      i += Varint.size(h);
      int n = h >>> 1;
      if ((h & 1) != 0) {
        postings(entries, i).add(ref); // an inline pair: its value is (mostly) new anyway
        i += n;
        continue;
      }
      if (n >= bySymbol.length) {
        bySymbol = Arrays.copyOf(bySymbol, Math.max(n + 1, bySymbol.length * 2));
      }
      Postings p = bySymbol[n];
      if (p == null) {
        p = postings(symbols.bytes(n), 0);
        bySymbol[n] = p;
      }
      p.add(ref);
    }
  }

  /** The postings of the canonical pair at {@code b[p]}, created if new. */
  private Postings postings(byte[] b, int p) {
    int nameLen = Varint.getInt(b, p);
    p += Varint.size(nameLen);
    String name = new String(b, p, nameLen, StandardCharsets.UTF_8);
    p += nameLen;
    int valueLen = Varint.getInt(b, p);
    p += Varint.size(valueLen);
    String value = new String(b, p, valueLen, StandardCharsets.UTF_8);
    return byName
        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(value, k -> new Postings());
  }

  /**
   * Drops the refs in {@code removed} from every postings list, and the pairs and names left
   * without series. Only while the writer is excluded (head truncation).
   */
  void removeAll(BitSet removed) {
    for (Map.Entry<String, ConcurrentHashMap<String, Postings>> byValue : byName.entrySet()) {
      ConcurrentHashMap<String, Postings> values = byValue.getValue();
      values.entrySet().removeIf(e -> e.getValue().removeAll(removed) == 0);
      if (values.isEmpty()) {
        byName.remove(byValue.getKey(), values);
      }
    }
    Postings[] cache = bySymbol;
    for (int id = 0; id < cache.length; id++) {
      if (cache[id] != null && cache[id].size() == 0) {
        cache[id] = null;
      }
    }
  }

  /**
   * Heap bytes of the index (see {@link Head#memory}): per distinct pair its map entry, value
   * string and postings. Any thread; walks every pair, so for scrapes, not for the write path.
   */
  long bytesHeld() {
    long sum = 0;
    for (Map.Entry<String, ConcurrentHashMap<String, Postings>> byValue : byName.entrySet()) {
      sum += HeapSizes.MAP + HeapSizes.string(byValue.getKey().length());
      for (Map.Entry<String, Postings> e : byValue.getValue().entrySet()) {
        sum +=
            HeapSizes.MAP_ENTRY + HeapSizes.string(e.getKey().length()) + e.getValue().bytesHeld();
      }
    }
    return sum + HeapSizes.refArray(bySymbol.length);
  }

  Postings get(String name, String value) {
    Map<String, Postings> values = byName.get(name);
    return values == null ? null : values.get(value);
  }

  /** Values of {@code name} with their postings, or null when no series has the label. */
  Map<String, Postings> values(String name) {
    return byName.get(name);
  }

  Map<String, ConcurrentHashMap<String, Postings>> all() {
    return byName;
  }
}
