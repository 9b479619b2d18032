package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Varint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymbolTableTest {
  private static final String[] ALPHABET = {"a", "b", "z", "é", "\uFFFF", "\uD83D\uDE00", "_", "0"};

  /**
   * Random label sets with shared and unique strings, some longer than 127 bytes (2-byte lengths).
   */
  private static List<byte[]> randomSets(Random rnd, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int pairs = 1 + rnd.nextInt(8);
      String[] nv = new String[pairs * 2];
      for (int p = 0; p < pairs; p++) {
        nv[2 * p] = "n" + p + (rnd.nextInt(4) == 0 ? randomString(rnd) : "");
        nv[2 * p + 1] = rnd.nextInt(3) == 0 ? randomString(rnd) : "v" + rnd.nextInt(5);
      }
      out.add(LabelBytes.encode(nv));
    }
    return out;
  }

  private static String randomString(Random rnd) {
    int len = rnd.nextInt(10) == 0 ? 100 + rnd.nextInt(200) : rnd.nextInt(6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  @Test
  void internedSetsSpellTheirBytesAndCompareLikeTheBytes() {
    Random rnd = new Random(42);
    SymbolTable t = new SymbolTable();
    List<byte[]> sets = randomSets(rnd, 2000);
    List<byte[]> refs = new ArrayList<>();
    for (byte[] s : sets) {
      byte[] r = t.intern(s, 0, s.length);
      refs.add(r);
      assertArrayEquals(s, t.canonical(r));
      assertTrue(t.matches(r, s, 0, s.length));
    }
    for (int k = 0; k < 20_000; k++) {
      int i = rnd.nextInt(sets.size());
      int j = rnd.nextInt(sets.size());
      byte[] a = sets.get(i);
      byte[] b = sets.get(j);
      assertEquals(
          Integer.signum(LabelBytesOrder.compare(a, b)),
          Integer.signum(t.compare(refs.get(i), refs.get(j))),
          () -> LabelBytes.decode(a) + " vs " + LabelBytes.decode(b));
      assertEquals(Arrays.equals(a, b), t.matches(refs.get(i), b, 0, b.length));
    }
  }

  @Test
  void matchesRefusesPrefixesExtensionsAndOffsets() {
    SymbolTable t = new SymbolTable();
    byte[] full = LabelBytes.encode("__name__", "up", "job", "api");
    byte[] r = t.intern(full, 0, full.length);
    byte[] prefix = LabelBytes.encode("__name__", "up");
    byte[] longer = LabelBytes.encode("__name__", "up", "job", "api", "x", "y");
    byte[] framed = new byte[full.length + 6];
    System.arraycopy(full, 0, framed, 3, full.length);
    assertFalse(t.matches(r, prefix, 0, prefix.length));
    assertFalse(t.matches(r, longer, 0, longer.length));
    assertTrue(t.matches(r, framed, 3, full.length));
    assertFalse(t.matches(r, framed, 3, full.length - 1));
    byte[] again = t.intern(full, 0, full.length);
    assertArrayEquals(r, again);
    assertEquals(2, t.size()); // two pairs
  }

  @Test
  void releasedIdsAreReusedOnlyAfterTheNextTruncation() {
    SymbolTable t = new SymbolTable();
    byte[] keep = LabelBytes.encode("__name__", "m", "i", "keep");
    byte[] gone = LabelBytes.encode("__name__", "m", "i", "gone");
    byte[] keepRefs = t.intern(keep, 0, keep.length);
    byte[] goneRefs = t.intern(gone, 0, gone.length);
    assertEquals(3, t.size()); // __name__=m, i=keep, i=gone

    t.release(goneRefs);
    t.endTruncation();
    assertEquals(2, t.size(), "\"gone\" is out of the lookup table");
    // A reader still holding the removed series reads its old strings.
    assertArrayEquals(gone, t.canonical(goneRefs));

    int goneId = lastId(goneRefs);
    byte[] fresh1 = LabelBytes.encode("__name__", "m", "i", "fresh1");
    byte[] fresh1Refs = t.intern(fresh1, 0, fresh1.length);
    assertNotEquals(
        goneId, lastId(fresh1Refs), "the freed id is not reused before the next truncation");
    assertArrayEquals(gone, t.canonical(goneRefs));
    assertArrayEquals(fresh1, t.canonical(fresh1Refs));

    t.endTruncation(); // the next truncation: the id of "gone" becomes reusable
    byte[] fresh2 = LabelBytes.encode("__name__", "m", "i", "fresh2");
    byte[] fresh2Refs = t.intern(fresh2, 0, fresh2.length);
    assertEquals(goneId, lastId(fresh2Refs), "the new value takes the freed id");
    assertArrayEquals(fresh2, t.canonical(fresh2Refs));
    assertArrayEquals(keep, t.canonical(keepRefs));
    assertArrayEquals(fresh1, t.canonical(fresh1Refs));

    // The same string interned again after its release is a new symbol with the right bytes.
    byte[] goneAgain = t.intern(gone, 0, gone.length);
    assertArrayEquals(gone, t.canonical(goneAgain));
    assertTrue(t.matches(goneAgain, gone, 0, gone.length));
  }

  private static int lastId(byte[] refs) {
    int last = -1;
    for (int i = 0; i < refs.length; ) {
      int id = Varint.getInt(refs, i);
      i += Varint.size(id);
      last = id;
    }
    return last;
  }

  @Test
  void manySymbolsSpanPagesAndGrowTheTable() {
    SymbolTable t = new SymbolTable();
    List<byte[]> sets = new ArrayList<>();
    List<byte[]> refs = new ArrayList<>();
    // The first pairs of "id" repeat (so the name is learnt as shared), then 50k new values come.
    for (int i = 0; i < SymbolTable.LEARN_PAIRS; i++) {
      byte[] s = LabelBytes.encode("__name__", "m0", "id", "r" + (i % 100));
      t.intern(s, 0, s.length);
    }
    assertFalse(t.inlines("id"));
    for (int i = 0; i < 50_000; i++) {
      byte[] s = LabelBytes.encode("__name__", "m" + (i % 7), "id", Integer.toString(i));
      sets.add(s);
      refs.add(t.intern(s, 0, s.length));
    }
    assertEquals(100 + 50_000 + 7, t.size());
    for (int i = 0; i < sets.size(); i++) {
      assertTrue(t.matches(refs.get(i), sets.get(i), 0, sets.get(i).length));
    }
    // Release every other series; the rest still read back and are found again by intern.
    for (int i = 0; i < sets.size(); i += 2) {
      t.release(refs.get(i));
    }
    t.endTruncation();
    assertEquals(100 + 25_000 + 7, t.size());
    for (int i = 1; i < sets.size(); i += 2) {
      byte[] s = sets.get(i);
      assertArrayEquals(refs.get(i), t.intern(s, 0, s.length));
    }
  }

  @Test
  void pairsOfAMostlyUniqueLabelAreKeptInline() {
    SymbolTable t = new SymbolTable();
    List<byte[]> sets = new ArrayList<>();
    List<byte[]> refs = new ArrayList<>();
    for (int i = 0; i < 3 * SymbolTable.LEARN_PAIRS; i++) {
      byte[] s = LabelBytes.encode("__name__", "up", "job", "j" + (i % 3), "pod", "api-" + i);
      sets.add(s);
      refs.add(t.intern(s, 0, s.length));
    }
    assertTrue(t.inlines("pod"));
    assertFalse(t.inlines("job"));
    assertFalse(t.inlines("__name__"));
    // Only the first LEARN_PAIRS pods became symbols; later series carry them inline.
    assertEquals(1 + 3 + SymbolTable.LEARN_PAIRS, t.size());
    Random rnd = new Random(3);
    for (int k = 0; k < 10_000; k++) {
      int i = rnd.nextInt(sets.size());
      int j = rnd.nextInt(sets.size());
      byte[] a = sets.get(i);
      byte[] b = sets.get(j);
      assertArrayEquals(a, t.canonical(refs.get(i)));
      assertTrue(t.matches(refs.get(i), a, 0, a.length));
      assertEquals(i == j, t.matches(refs.get(i), b, 0, b.length));
      assertEquals(
          Integer.signum(LabelBytesOrder.compare(a, b)),
          Integer.signum(t.compare(refs.get(i), refs.get(j))));
    }
    // A pod that is a symbol in one series and inline in another compares equal.
    byte[] early = LabelBytes.encode("__name__", "up", "job", "j0", "pod", "api-0");
    byte[] inlineCopy = t.intern(early, 0, early.length);
    assertEquals(0, t.compare(refs.get(0), inlineCopy));
    assertTrue(inlineCopy.length > refs.get(0).length, "the later copy keeps the pod inline");
    // Releasing mixed entries frees only the symbols.
    for (byte[] r : refs) {
      t.release(r);
    }
    t.release(inlineCopy);
    t.endTruncation();
    assertEquals(0, t.size());
  }
}
