package io.rwgateway.tsdb.head;

import io.rwgateway.model.Varint;
import java.util.Arrays;

/**
 * Orders canonical label bytes (docs/format/wal.md) the way the block index orders label sets: pair
 * by pair, name then value, each by unsigned bytes (UTF-8 byte order is code point order, as {@code
 * LabelOrder.compareLabels} compares strings), a prefix first. The reference that {@link
 * SymbolTable#compare} is checked against.
 */
final class LabelBytesOrder {
  private LabelBytesOrder() {}

  static int compare(byte[] a, byte[] b) {
    int pa = 0;
    int pb = 0;
    while (pa < a.length && pb < b.length) {
      // name, then value: two length-prefixed strings per pair, compared the same way
      for (int k = 0; k < 2; k++) {
        int la = Varint.getInt(a, pa);
        pa += Varint.size(la);
        int lb = Varint.getInt(b, pb);
        pb += Varint.size(lb);
        int c = Arrays.compareUnsigned(a, pa, pa + la, b, pb, pb + lb);
        if (c != 0) {
          return c;
        }
        pa += la;
        pb += lb;
      }
    }
    return Boolean.compare(pa < a.length, pb < b.length);
  }
}
