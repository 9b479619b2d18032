package io.rwgateway.ingest.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8#isValid} against the JDK's strict decoder, with the ASCII fast path's edges. */
class Utf8Test {
  private static boolean jdkValid(byte[] b, int off, int len) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, off, len));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void oneBadByteAnywhereInAsciiTextOfAnyLengthIsFound() {
    for (int len = 0; len <= 40; len++) {
      byte[] b = new byte[len + 6];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) ('a' + i % 26);
      }
      assertEquals(true, Utf8.isValid(b, 3, len), "ascii len " + len);
      for (int bad = 0; bad < len; bad++) {
        byte[] c = b.clone();
        c[3 + bad] = (byte) 0xFF;
        assertEquals(false, Utf8.isValid(c, 3, len), "len " + len + " bad at " + bad);
        // Bytes outside the range never matter.
        byte[] d = b.clone();
        d[2] = (byte) 0xFF;
        d[3 + len] = (byte) 0xC3;
        assertEquals(true, Utf8.isValid(d, 3, len), "len " + len + " with bad bytes around it");
      }
    }
  }

  @Test
  void agreesWithTheJdkOnRandomMixedText() {
    Random rnd = new Random(11);
    String[] pieces = {"a", "é", "€", "\uD83D\uDE00", "\uFFFF", "z0_"};
    for (int k = 0; k < 20_000; k++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(12);
      for (int i = 0; i < n; i++) {
        sb.append(pieces[rnd.nextInt(pieces.length)]);
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (b.length > 0 && rnd.nextBoolean()) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // often breaks a sequence
      }
      int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int len = b.length - off - (b.length - off == 0 ? 0 : rnd.nextInt(b.length - off + 1));
      assertEquals(
          jdkValid(b, off, len),
          Utf8.isValid(b, off, len),
          () -> "bytes " + HexFormat.of().formatHex(b, off, off + len));
    }
  }

  @Test
  void isAsciiFindsOneHighByteAnywhereAndIgnoresBytesOutsideTheRange() {
    for (int len = 0; len <= 40; len++) {
      byte[] b = new byte[len + 6];
      Arrays.fill(b, (byte) 0x7F);
      b[2] = (byte) 0x80;
      b[3 + len] = (byte) 0xFF;
      assertEquals(true, Utf8.isAscii(b, 3, len), "len " + len);
      for (int bad = 0; bad < len; bad++) {
        byte[] c = b.clone();
        c[3 + bad] = (byte) 0x80;
        assertEquals(false, Utf8.isAscii(c, 3, len), "len " + len + " high byte at " + bad);
      }
    }
  }
}
