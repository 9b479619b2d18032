package io.rwgateway.queryapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PromTimeTest {
  @Test
  void unixSecondsWithFraction() {
    assertEquals(1_700_000_000_000L, PromTime.parseMillis("1700000000"));
    assertEquals(1_700_000_000_123L, PromTime.parseMillis("1700000000.123"));
    assertEquals(
        1_700_000_000_124L,
        PromTime.parseMillis("1700000000.1235"),
        "fraction rounds half away from zero");
    assertEquals(1_500L, PromTime.parseMillis("1.5"));
    assertEquals(-1_500L, PromTime.parseMillis("-1.5"));
    assertEquals(0L, PromTime.parseMillis("0"));
    assertEquals(1_000_000_000L, PromTime.parseMillis("1e6"));
    assertEquals(500L, PromTime.parseMillis(".5"));
  }

  @Test
  void rfc3339() {
    assertEquals(1_700_000_000_000L, PromTime.parseMillis("2023-11-14T22:13:20Z"));
    assertEquals(
        1_700_000_000_123L,
        PromTime.parseMillis("2023-11-14T22:13:20.123456789Z"),
        "truncated to ms");
    assertEquals(1_700_000_000_000L, PromTime.parseMillis("2023-11-15T00:13:20+02:00"));
  }

  @Test
  void prometheusMinAndMaxTime() {
    assertEquals(Long.MIN_VALUE, PromTime.parseMillis(PromTime.MIN_TIME_FORMATTED));
    assertEquals(Long.MAX_VALUE, PromTime.parseMillis(PromTime.MAX_TIME_FORMATTED));
    assertEquals(Long.MAX_VALUE, PromTime.parseMillis("1e300"), "saturates");
  }

  @Test
  void rejects() {
    for (String s :
        new String[] {
          "abc", "NaN", "Inf", "0x10", "2023-11-14", "2023-11-14 22:13:20Z", "12f", "1d"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PromTime.parseMillis(s), s);
      assertEquals("cannot parse \"" + s + "\" to a valid timestamp", e.getMessage());
    }
  }
}
