package io.rwgateway.promql.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** String literals: the value of a lexed (and so already validated) quoted or raw string. */
final class Strings {
  private Strings() {}

  /**
   * Resolves Go's escapes in a {@code "..."} or {@code '...'} literal; a {@code `...`} literal is
   * taken as it is. {@code \x} and octal escapes are bytes, so the value is decoded as UTF-8 after
   * all escapes are resolved.
   */
  static String unquote(String lit) {
    char q = lit.charAt(0);
    String body = lit.substring(1, lit.length() - 1);
    if (q == '`') {
      return body;
    }
    if (body.indexOf('\\') < 0) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
    int i = 0;
    while (i < body.length()) {
      int c = body.codePointAt(i);
      if (c != '\\') {
        byte[] b = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(c);
        continue;
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(7);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(11);
        case 'x' -> {
          out.write(Integer.parseInt(body.substring(i, i + 2), 16));
          i += 2;
        }
        case 'u', 'U' -> {
          int n = e == 'u' ? 4 : 8;
          int cp = Integer.parseInt(body.substring(i, i + n), 16);
          byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
          out.write(b, 0, b.length);
          i += n;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            out.write(Integer.parseInt(body.substring(i - 1, i + 2), 8));
            i += 2;
          } else {
            out.write(e); // \\ and the quote
          }
        }
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }
}
