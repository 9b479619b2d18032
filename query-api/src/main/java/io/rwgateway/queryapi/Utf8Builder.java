package io.rwgateway.queryapi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds a string from UTF-8 bytes. Go string escapes ({@code \xNN}, octal) produce single bytes
 * while {@code \\u} produces a code point, so an unquoted value is assembled as bytes.
 *
 * <p>NOTE: a byte sequence that is not valid UTF-8 (e.g. {@code "\xff"}) decodes with U+FFFD; Java
 * strings cannot hold raw bytes, and label values are UTF-8 on the wire anyway.
 */
final class Utf8Builder {
  private byte[] buf;
  private int len;

  Utf8Builder(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  void appendByte(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  void appendCodePoint(int cp) {
    ensure(4);
    if (cp < 0x80) {
      buf[len++] = (byte) cp;
    } else if (cp < 0x800) {
      buf[len++] = (byte) (0xC0 | (cp >> 6));
      buf[len++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[len++] = (byte) (0xE0 | (cp >> 12));
      buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[len++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      buf[len++] = (byte) (0xF0 | (cp >> 18));
      buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      buf[len++] = (byte) (0x80 | (cp & 0x3F));
    }
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }
}
