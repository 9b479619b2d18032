package io.rwgateway.model;

import java.nio.charset.StandardCharsets;

/**
 * The canonical byte form of a label set, shared by the decoder, the WAL and the head: for each
 * label in name order, {@code uvarint(len(name)) name uvarint(len(value)) value}.
 *
 * <p>NOTE: one form everywhere means a series is looked up, compared and logged to the WAL from the
 * same bytes, with no per-sample conversion to strings. The layout is in docs/format/wal.md.
 */
public final class LabelBytes {
  private LabelBytes() {}

  /** Encodes alternating name/value strings, which must already be sorted by name. */
  public static byte[] encode(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of label strings");
    }
    byte[][] parts = new byte[nameValues.length][];
    int size = 0;
    for (int i = 0; i < nameValues.length; i++) {
      parts[i] = nameValues[i].getBytes(StandardCharsets.UTF_8);
      size += Varint.size(parts[i].length) + parts[i].length;
    }
    byte[] out = new byte[size];
    int p = 0;
    for (byte[] part : parts) {
      p = Varint.put(out, p, part.length);
      System.arraycopy(part, 0, out, p, part.length);
      p += part.length;
    }
    return out;
  }

  /** Decodes {@code len} bytes at {@code off} into a {@link Labels}. */
  public static Labels decode(byte[] b, int off, int len) {
    int end = off + len;
    int[] pos = {off};
    int count = 0;
    while (pos[0] < end) {
      int n = (int) Varint.get(b, pos, end);
      pos[0] += n;
      count++;
    }
    if (pos[0] != end || count % 2 != 0) {
      throw new IllegalArgumentException("malformed label bytes");
    }
    String[] strings = new String[count];
    pos[0] = off;
    for (int i = 0; i < count; i++) {
      int n = (int) Varint.get(b, pos, end);
      strings[i] = new String(b, pos[0], n, StandardCharsets.UTF_8);
      pos[0] += n;
    }
    return Labels.ofSorted(strings);
  }

  public static Labels decode(byte[] b) {
    return decode(b, 0, b.length);
  }
}
