package io.rwgateway.query;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Label names and values decoded from UTF-8 with a small direct-mapped cache: a Series answer
 * repeats the same few names ({@code __name__}, {@code job}, ...) and values ({@code job="api"}, an
 * instance for each of its series) in every series, and one String per occurrence was an eighth of
 * what a query node allocated. A slot keeps the last string whose bytes hashed to it; strings over
 * {@link #MAX_CACHED} bytes are not cached. One cache per thread (gRPC decodes on its executor
 * threads), {@link #SLOTS} slots: at most a few hundred KiB per thread.
 */
final class LabelStrings {
  static final int SLOTS = 4096;
  static final int MAX_CACHED = 64;

  private static final ThreadLocal<LabelStrings> CACHE = ThreadLocal.withInitial(LabelStrings::new);

  private final byte[][] keys = new byte[SLOTS][];
  private final String[] values = new String[SLOTS];

  static String decode(byte[] b, int off, int len) {
    if (len == 0) {
      return "";
    }
    if (len > MAX_CACHED) {
      return new String(b, off, len, StandardCharsets.UTF_8);
    }
    return CACHE.get().get(b, off, len);
  }

  private String get(byte[] b, int off, int len) {
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    byte[] k = keys[slot];
    if (k != null && Arrays.equals(k, 0, k.length, b, off, off + len)) {
      return values[slot];
    }
    String s = new String(b, off, len, StandardCharsets.UTF_8);
    keys[slot] = Arrays.copyOfRange(b, off, off + len);
    values[slot] = s;
    return s;
  }
}
