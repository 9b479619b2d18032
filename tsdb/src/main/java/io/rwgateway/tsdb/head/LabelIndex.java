package io.rwgateway.tsdb.head;

import io.rwgateway.model.Varint;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label name -> value -> postings. Written by the writer thread when a series is created (and by
 * head truncation, which excludes the writer), read by queriers concurrently (concurrent maps,
 * {@link Postings} safe for lock-free readers).
 *
 * <p>NOTE: each distinct name and value exists as one String, the map key; series keep only their
 * label bytes. Strings are built when a series is created, never per sample.
 */
final class LabelIndex {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Postings>> byName =
      new ConcurrentHashMap<>();

  /** Adds {@code ref} to the postings of each label pair in canonical label bytes. */
  void add(int ref, byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    while (p < end) {
      int nameLen = Varint.getInt(b, p);
      p += Varint.size(nameLen);
      String name = new String(b, p, nameLen, StandardCharsets.UTF_8);
      p += nameLen;
      int valueLen = Varint.getInt(b, p);
      p += Varint.size(valueLen);
      String value = new String(b, p, valueLen, StandardCharsets.UTF_8);
      p += valueLen;
      byName
          .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(value, k -> new Postings())
          .add(ref);
    }
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
    return sum;
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
