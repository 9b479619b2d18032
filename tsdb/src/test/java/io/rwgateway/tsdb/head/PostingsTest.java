package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PostingsTest {
  @Test
  void gapsOfEveryVarintWidthRoundTrip() {
    Postings p = new Postings();
    int[] refs = {1, 2, 130, 20_000, 3_000_000, 300_000_000, Integer.MAX_VALUE};
    for (int r : refs) {
      p.add(r);
    }
    assertArrayEquals(refs, p.snapshot());
    assertEquals(refs.length, p.size());
    assertTrue(p.any(r -> r == 3_000_000));
    assertFalse(p.any(r -> r == 3));
  }

  @Test
  void outOfOrderAndDuplicateAddsKeepTheListSortedAndUnique() {
    Random rnd = new Random(7);
    Postings p = new Postings();
    TreeSet<Integer> expected = new TreeSet<>();
    for (int i = 0; i < 5000; i++) {
      int r = 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(100_000) : i * 20);
      p.add(r);
      expected.add(r);
    }
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), p.snapshot());
    assertEquals(expected.size(), p.size());
    // Appending after an out-of-order insert continues from the true last ref.
    p.add(expected.last() + 1);
    expected.add(expected.last() + 1);
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), p.snapshot());
  }

  @Test
  void removeAllKeepsTheRestAndAppendsContinue() {
    Postings p = new Postings();
    BitSet removed = new BitSet();
    for (int r = 1; r <= 1000; r++) {
      p.add(r * 3);
      if (r % 3 == 0) {
        removed.set(r * 3);
      }
    }
    assertEquals(667, p.removeAll(removed));
    int[] left = p.snapshot();
    assertEquals(667, left.length);
    for (int r : left) {
      assertFalse(removed.get(r));
    }
    p.add(5000);
    assertEquals(5000, p.snapshot()[667]);
    assertEquals(0, new Postings().removeAll(removed));
    Postings all = new Postings();
    all.add(3);
    assertEquals(0, all.removeAll(removed.get(3) ? removed : bits(3)));
    assertEquals(0, all.snapshot().length);
    all.add(9);
    assertArrayEquals(new int[] {9}, all.snapshot());
  }

  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  @Test
  void readersAlwaysSeeASortedPrefixWhileTheWriterAppendsAndRemoves() throws Exception {
    Postings p = new Postings();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  int[] s = p.snapshot();
                  for (int i = 1; i < s.length; i++) {
                    if (s[i] <= s[i - 1]) {
                      throw new AssertionError(
                          "not sorted at " + i + ": " + s[i - 1] + ", " + s[i]);
                    }
                  }
                  for (int r : s) {
                    if (r <= 0
                        || r % 97 != 0) { // a torn read would decode gaps that are not multiples
                      throw new AssertionError("a ref that was never added: " + r);
                    }
                  }
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    reader.start();
    BitSet sevens = new BitSet();
    for (int r = 1; r <= 200_000; r++) {
      p.add(r * 97);
      if (r % 1000 == 0) {
        sevens.clear();
        for (int k = (r - 1000) * 97; k <= r * 97; k += 7 * 97) {
          sevens.set(k);
        }
        p.removeAll(sevens);
      }
    }
    done.set(true);
    reader.join();
    assertNull(failure.get());
  }
}
