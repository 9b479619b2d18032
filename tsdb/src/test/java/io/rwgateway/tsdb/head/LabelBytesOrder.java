package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * Orders canonical label bytes (docs/format/wal.md) the way the block index orders label sets:
 * pair by pair, name then value, each by unsigned bytes (UTF-8 byte order is code point order, as
 * {@code IndexOrder.compareLabels} compares strings), a prefix first. The reference that
 * {@link SymbolTable#compare} is checked against.
 */
final class LabelBytesOrder {
  private LabelBytesOrder() {}

  static int compare(byte[] a, byte[] b) {
    int pa = 0;
    int pb = 0;
    while (pa < a.length && pb < b.length) {
      // name, then value: two length-prefixed strings per pair, compared the same way
      for (int k = 0; k < 2; k++) {
        int la = 0;
        int lb = 0;
        int shift = 0;
        int by;
        do {
          by = a[pa++];
          la |= (by & 0x7f) << shift;
          shift += 7;
        } while (by < 0);
        shift = 0;
        do {
          by = b[pb++];
          lb |= (by & 0x7f) << shift;
          shift += 7;
        } while (by < 0);
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
