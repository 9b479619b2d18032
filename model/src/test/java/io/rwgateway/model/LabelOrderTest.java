package io.rwgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelOrderTest {
  private static int byteOrder(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void javaOrderAndByteOrderDisagreeOnSupplementaryCharacters() {
    String bmpHigh = "\uFFFD"; // U+FFFD, UTF-8 EF BF BD
    String emoji = "\uD83D\uDE00"; // U+1F600, UTF-8 F0 9F 98 80
    assertTrue(bmpHigh.compareTo(emoji) > 0, "Java puts U+FFFD after the surrogate pair");
    assertTrue(LabelOrder.compareUtf8(bmpHigh, emoji) < 0, "UTF-8 puts U+FFFD first");
  }

  @Test
  void matchesUtf8ByteOrderOnRandomStrings() {
    Random r = new Random(42);
    int[] pool = {
      'a', 'z', 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF
    };
    for (int i = 0; i < 20_000; i++) {
      String a = random(r, pool);
      String b = random(r, pool);
      assertEquals(
          Integer.signum(byteOrder(a, b)),
          Integer.signum(LabelOrder.compareUtf8(a, b)),
          a + " vs " + b);
    }
  }

  private static String random(Random r, int[] pool) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(pool[r.nextInt(pool.length)]);
    }
    return sb.toString();
  }

  @Test
  void labelSetsCompareAsPrometheus() {
    Labels a = Labels.of("__name__", "up", "job", "a");
    Labels b = Labels.of("__name__", "up", "job", "b");
    Labels prefix = Labels.of("__name__", "up");
    Labels otherName = Labels.of("__name__", "up", "instance", "z");
    assertTrue(LabelOrder.compareLabels(a, b) < 0);
    assertTrue(LabelOrder.compareLabels(prefix, a) < 0, "a prefix sorts first");
    assertTrue(LabelOrder.compareLabels(otherName, a) < 0, "instance < job decides before values");
    assertEquals(0, LabelOrder.compareLabels(a, Labels.of("job", "a", "__name__", "up")));
  }
}
