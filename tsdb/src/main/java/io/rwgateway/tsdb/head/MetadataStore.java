package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.wal.RecordVisitor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Metric family name -> (type, help, unit); the latest write wins. The writer compares incoming
 * metadata against the stored bytes without allocating, so unchanged metadata (sent again with
 * every request by RW 2.0 senders) costs a hash and a compare and is not logged to the WAL again.
 *
 * <p>Writes and reader lookups are synchronized; the writer's unlocked reads are safe because it is
 * the only mutator.
 */
final class MetadataStore {
  private static final class Entry {
    final byte[] name;
    final int type;
    final byte[] help;
    final byte[] unit;

    Entry(byte[] name, int type, byte[] help, byte[] unit) {
      this.name = name;
      this.type = type;
      this.help = help;
      this.unit = unit;
    }
  }

  private long[] hashes = new long[64];
  private Entry[] entries = new Entry[64];
  private int size;

  private int find(long hash, byte[] b, int off, int len) {
    int m = entries.length - 1;
    for (int i = (int) (hash ^ (hash >>> 29)) & m; ; i = (i + 1) & m) {
      Entry e = entries[i];
      if (e == null) {
        return -1 - i;
      }
      if (hashes[i] == hash && Arrays.equals(e.name, 0, e.name.length, b, off, off + len)) {
        return i;
      }
    }
  }

  /** True when the stored metadata of this family differs from (or is absent for) the given one. */
  boolean differs(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen) {
    int i = find(XxHash64.hash(b, nameOff, nameLen, 0), b, nameOff, nameLen);
    if (i < 0) {
      return true;
    }
    Entry e = entries[i];
    return e.type != type
        || !Arrays.equals(e.help, 0, e.help.length, b, helpOff, helpOff + helpLen)
        || !Arrays.equals(e.unit, 0, e.unit.length, b, unitOff, unitOff + unitLen);
  }

  synchronized void put(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen) {
    long hash = XxHash64.hash(b, nameOff, nameLen, 0);
    Entry e =
        new Entry(
            Arrays.copyOfRange(b, nameOff, nameOff + nameLen),
            type,
            Arrays.copyOfRange(b, helpOff, helpOff + helpLen),
            Arrays.copyOfRange(b, unitOff, unitOff + unitLen));
    int i = find(hash, b, nameOff, nameLen);
    if (i >= 0) {
      entries[i] = e;
      return;
    }
    if ((size + 1) * 4 > entries.length * 3) {
      grow();
      i = find(hash, b, nameOff, nameLen);
    }
    i = -1 - i;
    hashes[i] = hash;
    entries[i] = e;
    size++;
  }

  private void grow() {
    long[] oldH = hashes;
    Entry[] oldE = entries;
    hashes = new long[oldH.length * 2];
    entries = new Entry[oldE.length * 2];
    int m = entries.length - 1;
    for (int k = 0; k < oldE.length; k++) {
      if (oldE[k] != null) {
        int i = (int) (oldH[k] ^ (oldH[k] >>> 29)) & m;
        while (entries[i] != null) {
          i = (i + 1) & m;
        }
        hashes[i] = oldH[k];
        entries[i] = oldE[k];
      }
    }
  }

  synchronized MetricMetadata get(String metricName) {
    byte[] n = metricName.getBytes(StandardCharsets.UTF_8);
    int i = find(XxHash64.hash(n, 0, n.length, 0), n, 0, n.length);
    if (i < 0) {
      return null;
    }
    return decode(entries[i]);
  }

  private static MetricMetadata decode(Entry e) {
    return new MetricMetadata(
        e.type,
        new String(e.help, StandardCharsets.UTF_8),
        new String(e.unit, StandardCharsets.UTF_8));
  }

  /** Every family's metadata by name, sorted as label values sort (Go's byte order). */
  synchronized SortedMap<String, MetricMetadata> all() {
    SortedMap<String, MetricMetadata> out = new TreeMap<>(LabelOrder.UTF8);
    for (Entry e : entries) {
      if (e != null) {
        out.put(new String(e.name, StandardCharsets.UTF_8), decode(e));
      }
    }
    return out;
  }

  /** Hands every entry to {@code out} as a WAL metadata entry (for a WAL checkpoint). */
  synchronized void forEach(RecordVisitor out) {
    for (Entry e : entries) {
      if (e == null) {
        continue;
      }
      // One buffer holding name, help and unit, as the visitor takes offsets into one array.
      byte[] b = new byte[e.name.length + e.help.length + e.unit.length];
      System.arraycopy(e.name, 0, b, 0, e.name.length);
      System.arraycopy(e.help, 0, b, e.name.length, e.help.length);
      System.arraycopy(e.unit, 0, b, e.name.length + e.help.length, e.unit.length);
      out.metadata(
          e.type,
          b,
          0,
          e.name.length,
          e.name.length,
          e.help.length,
          e.name.length + e.help.length,
          e.unit.length);
    }
  }

  synchronized int size() {
    return size;
  }
}
