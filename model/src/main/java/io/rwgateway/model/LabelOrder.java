package io.rwgateway.model;

import java.util.Comparator;

/**
 * The orders the index format is sorted by: strings by their UTF-8 bytes (Go's string order) and
 * label sets as Prometheus' {@code labels.Compare}.
 *
 * <p>NOTE: {@link String#compareTo} compares UTF-16 units and disagrees with UTF-8 byte order when
 * a character in U+E000..U+FFFF meets a supplementary character (stored as a surrogate pair,
 * U+D800..U+DFFF). Prometheus binary-searches symbols and postings keys in byte order, so a file
 * sorted the Java way would make those searches miss.
 */
public final class LabelOrder {
  private LabelOrder() {}

  /** Strings in UTF-8 byte order, which equals Unicode code point order. */
  public static final Comparator<String> UTF8 = LabelOrder::compareUtf8;

  /** Label sets in ascending order, as the series section of an index must be written. */
  public static final Comparator<Labels> LABELS = LabelOrder::compareLabels;

  public static int compareUtf8(String a, String b) {
    if (a == b || a.equals(b)) {
      // Most pairs compared while label sets are ordered are equal (the names, most values);
      // equals is one vectorized pass (readers that share symbol strings skip even that), where
      // the loop below goes char by char.
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Moving surrogates above U+E000..U+FFFF turns UTF-16 unit order into code point order;
        // at the first difference, equal lead surrogates leave two trail units, still in order.
        return Integer.compare(fixup(x), fixup(y));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  private static int fixup(char c) {
    if (c >= 0xD800 && c <= 0xDFFF) {
      return c + 0x2000;
    }
    if (c >= 0xE000) {
      return c - 0x800;
    }
    return c;
  }

  /** Pair by pair, name then value; the first difference decides; a prefix sorts first. */
  public static int compareLabels(Labels a, Labels b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compareUtf8(a.name(i), b.name(i));
      if (c != 0) {
        return c;
      }
      c = compareUtf8(a.value(i), b.value(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
