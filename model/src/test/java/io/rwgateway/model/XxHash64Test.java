package io.rwgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reference values of XXH64 (seed 0), as printed by `xxhsum -H1` (Debian package xxhash). */
class XxHash64Test {
  static long h(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return XxHash64.hash(b, 0, b.length, 0);
  }

  @Test
  void knownValues() {
    assertEquals(0xef46db3751d8e999L, h(""));
    assertEquals(0xd24ec4f1a98c6e5bL, h("a"));
    assertEquals(0x44bc2cf5ad770999L, h("abc"));
    assertEquals(0xfbcea83c8a378bf1L, h("Nobody inspects the spammish repetition"));
    assertEquals(
        0x155bab9ed172f438L,
        h("xxNobody inspects the spammish repetition and more text past 32 bytes"));
  }

  @Test
  void offsetsDoNotMatter() {
    byte[] b =
        "xxNobody inspects the spammish repetition and more text past 32 bytes"
            .getBytes(StandardCharsets.UTF_8);
    byte[] copy = Arrays.copyOfRange(b, 2, b.length);
    assertEquals(XxHash64.hash(copy, 0, copy.length, 7), XxHash64.hash(b, 2, b.length - 2, 7));
  }
}
