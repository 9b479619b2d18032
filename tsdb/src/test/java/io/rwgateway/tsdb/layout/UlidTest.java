package io.rwgateway.tsdb.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UlidTest {
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  @Test
  void formatIs26CrockfordCharacters() {
    for (int i = 0; i < 1000; i++) {
      String u = Ulid.next();
      assertEquals(26, u.length(), u);
      for (char c : u.toCharArray()) {
        assertTrue(CROCKFORD.indexOf(c) >= 0, "not Crockford base32: " + c + " in " + u);
      }
      assertTrue(Ulid.isValid(u), u);
    }
  }

  @Test
  void encodesTheSpecExampleTime() {
    // The ULID spec's example: time 1469918176385 is the prefix 01ARYZ6S41.
    String u = Ulid.encode(1469918176385L, 0, 0);
    assertEquals("01ARYZ6S41", u.substring(0, 10));
    assertEquals(1469918176385L, Ulid.timestamp("01ARYZ6S41TSV4RRFFQ69G5FAV"));
  }

  @Test
  void extremes() {
    assertEquals("00000000000000000000000000", Ulid.encode(0, 0, 0));
    assertEquals("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", Ulid.encode((1L << 48) - 1, 0xFFFF, -1L));
    assertEquals("0000000000000000000000000Z", Ulid.encode(0, 0, 31));
    assertEquals("00000000000000000000000010", Ulid.encode(0, 0, 32));
    // The lowest bit of the 16 high random bits sits just above the 64 low ones: bit 64 of 128.
    assertEquals("0000000000000G000000000000", Ulid.encode(0, 1, 0));
  }

  @Test
  void timeOrderedAcrossMilliseconds() {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Ulid gen = new Ulid(clock::get, new Random(1));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      clock.addAndGet(1 + (i % 3));
      ids.add(gen.generate());
    }
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " !< " + ids.get(i));
    }
    assertEquals(clock.get(), Ulid.timestamp(ids.get(ids.size() - 1)));
  }

  @Test
  void monotonicWithinOneMillisecondAndWhenTheClockStepsBack() {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Ulid gen = new Ulid(clock::get, new Random(2));
    String a = gen.generate();
    String b = gen.generate();
    clock.addAndGet(-5000);
    String c = gen.generate();
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0, a + " " + b + " " + c);
    assertEquals(1_700_000_000_000L, Ulid.timestamp(c));
  }

  @Test
  void carriesIntoTheHighRandomBits() {
    Random allOnesLow =
        new Random() {
          private static final long serialVersionUID = 1L;

          @Override
          public long nextLong() {
            return -1L;
          }

          @Override
          public int nextInt() {
            return 7;
          }
        };
    Ulid gen = new Ulid(() -> 5L, allOnesLow);
    String a = gen.generate();
    String b = gen.generate();
    assertEquals(Ulid.encode(5, 7, -1L), a);
    assertEquals(Ulid.encode(5, 8, 0L), b);
  }

  @Test
  void rejectsMalformed() {
    assertFalse(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FA"));
    assertFalse(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FAVX"));
    assertFalse(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FAU")); // U is not in the alphabet
    assertFalse(Ulid.isValid("81ARYZ6S41TSV4RRFFQ69G5FAV")); // over 128 bits
    assertFalse(Ulid.isValid("01ARYZ6S41TSV4RRFFQ69G5FAV.tmp-for-creation"));
    assertThrows(IllegalArgumentException.class, () -> Ulid.timestamp("nope"));
    assertNotEquals(Ulid.next(), Ulid.next());
  }
}
