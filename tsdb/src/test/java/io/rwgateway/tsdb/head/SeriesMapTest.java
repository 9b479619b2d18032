package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rwgateway.model.LabelBytes;
import org.junit.jupiter.api.Test;

/**
 * The label-hash map keeps 32 bits of each hash: series whose hashes are equal, or fold to the same
 * 32 bits, are told apart by their labels, through growth and removal.
 */
class SeriesMapTest {
  private final SymbolTable symbols = new SymbolTable();
  private final ChunkPieces pieces = new ChunkPieces();

  private static byte[] labels(int i) {
    return LabelBytes.encode("__name__", "m", "id", Integer.toString(i));
  }

  /**
   * Hashes for 3 groups: all equal; equal after folding (x and x ^ (x << 32) fold alike); spread.
   */
  private static long hash(int i) {
    return switch (i % 3) {
      case 0 -> 42L;
      case 1 -> 0x1234_5678L ^ ((long) i << 32) ^ i;
      default -> i * 0x9E37_79B9_7F4A_7C15L;
    };
  }

  @Test
  void seriesWithCollidingHashesAreToldApartByLabels() {
    SeriesMap map = new SeriesMap(16, symbols);
    int n = 3000; // grows the table several times
    MemSeries[] all = new MemSeries[n];
    for (int i = 0; i < n; i++) {
      byte[] l = labels(i);
      assertNull(map.get(hash(i), l, 0, l.length));
      all[i] = new MemSeries(i + 1, symbols.intern(l, 0, l.length), pieces);
      map.put(hash(i), all[i]);
    }
    for (int i = 0; i < n; i++) {
      byte[] l = labels(i);
      assertSame(all[i], map.get(hash(i), l, 0, l.length), "series " + i);
    }
    for (int i = 0; i < n; i += 2) {
      all[i].markRemoved();
    }
    map.removeMarked();
    for (int i = 0; i < n; i++) {
      byte[] l = labels(i);
      MemSeries got = map.get(hash(i), l, 0, l.length);
      if (i % 2 == 0) {
        assertNull(got, "removed series " + i);
      } else {
        assertSame(all[i], got, "kept series " + i);
      }
    }
  }
}
