package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelStringsTest {
  private static String decode(String s, int pad) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[raw.length + 2 * pad];
    System.arraycopy(raw, 0, b, pad, raw.length);
    return LabelStrings.decode(b, pad, raw.length);
  }

  @Test
  void repeatedBytesGiveTheSameStringAndEveryStringIsRight() {
    String a = decode("job", 3);
    assertSame(a, decode("job", 0), "cached");
    assertEquals("", decode("", 1));
    assertEquals("ünïcode-✓", decode("ünïcode-✓", 2));
    String longer = "x".repeat(LabelStrings.MAX_CACHED + 1);
    assertEquals(longer, decode(longer, 1));
    // Far more distinct strings than slots: collisions replace slots, never give a wrong string.
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < 5 * LabelStrings.SLOTS; i++) {
      String s = "instance-" + i;
      String got = decode(s, i % 5);
      assertEquals(s, got);
      seen.put(s, got);
    }
    for (Map.Entry<String, String> e : seen.entrySet()) {
      assertEquals(e.getKey(), decode(e.getKey(), 1));
    }
  }
}
