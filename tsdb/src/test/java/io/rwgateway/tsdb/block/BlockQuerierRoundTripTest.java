package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.db.QueryData;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadQuerier;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random series written as a block and appended to a head: the block's querier must answer like the
 * head's for many random matcher sets and time ranges. {@code select} must be identical (samples,
 * bit-exact values, order). For names, values and series a block counts a series when one of its
 * chunks overlaps the range, the head when the series' min/max does; the expected answer is
 * therefore the head's selection, filtered by the chunk bounds the test wrote, and it is also
 * checked to lie between "has a sample in range" and the head's own answer.
 */
class BlockQuerierRoundTripTest {
  private static final long MIN = Long.MIN_VALUE;
  private static final long MAX = Long.MAX_VALUE;
  private static final long BLOCK_MIN = 1_732_456_800_000L;
  private static final long BLOCK_MAX = BLOCK_MIN + 7_200_000L;
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private static final String[] METRICS = {"up", "req_total", "temp", "\uD83D\uDE00", "\uFF21"};

  /** Label names: ASCII and non-ASCII below U+D800 (where Java and UTF-8 name order agree). */
  private static final String[] NAMES = {"job", "instance", "zone", "caf\u00e9", "le"};

  /**
   * Values whose UTF-16 and UTF-8 orders differ (U+FF21 vs U+1F600, U+E000 vs U+1D11E) and others.
   */
  private static final String[] VALUES = {
    "a",
    "b",
    "api",
    "db",
    "caf\u00e9",
    "\u00e9t\u00e9",
    "\uFF21",
    "\uD83D\uDE00",
    "x\uD83D\uDE00",
    "\uFF21x",
    "\u65E5\u672C",
    "\uE000",
    "\uD834\uDD1E",
    "a b",
    "0",
    "10"
  };

  private static final String[] REGEXES = {
    ".*",
    ".+",
    "a.*",
    "a|b",
    "",
    "\uD83D\uDE00.*",
    ".*\u00e9.*",
    "[ab]",
    "x.",
    "\uFF21|db",
    "up|temp",
    ".",
    "(?i)API",
    "\uD834\uDD1E|\uE000"
  };
  private static final long[] SPECIALS = {
    STALE_NAN,
    Double.doubleToRawLongBits(Double.NaN),
    0x7ff8000000000001L,
    0xfff8000000000000L,
    0x7ff0000000000001L,
    Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
    Double.doubleToRawLongBits(-0.0),
    0L,
    Double.doubleToRawLongBits(Double.MIN_VALUE),
    Double.doubleToRawLongBits(Double.MAX_VALUE)
  };

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20241124})
  void blockAnswersLikeTheHeadForRandomQueries(long seed) throws Exception {
    Random rnd = new Random(seed);
    List<QueryData.Series> data = randomSeries(rnd);
    Head head = new Head(10);
    QueryData.append(head, data);
    Querier h = new HeadQuerier(head);
    QueryData.Written written =
        QueryData.writeBlock(dir.resolve("seed" + seed), BLOCK_MIN, BLOCK_MAX, data, rnd);
    Map<Labels, BlockSeries> chunksOf = new HashMap<>();
    written.series().forEach(s -> chunksOf.put(s.labels(), s));

    try (Block block = Block.open(written.dir())) {
      Querier b = block.querier();
      assertEverySampleBitExact(data, b);
      for (int q = 0; q < 400; q++) {
        long[] range = randomRange(rnd, data);
        long mint = range[0];
        long maxt = range[1];
        Matcher[] sel = randomSelector(rnd);
        List<Matcher[]> sels = new ArrayList<>();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          sels.add(randomSelector(rnd));
        }
        String name =
            rnd.nextInt(8) == 0 ? "__name__" : rnd.nextInt(8) == 0 ? "missing" : pick(rnd, NAMES);
        String what =
            "seed "
                + seed
                + " query "
                + q
                + " ["
                + mint
                + ", "
                + maxt
                + "] "
                + Arrays.toString(sel)
                + " selectors "
                + describe(sels);

        assertEquals(
            render(h.select(sel, mint, maxt)), render(b.select(sel, mint, maxt)), "select " + what);

        List<Labels> expected = new ArrayList<>();
        for (Labels l : h.series(sels, MIN, MAX)) {
          if (mint <= maxt
              && hasChunkIn(chunksOf.get(l), mint, maxt)) { // an inverted range holds nothing
            expected.add(l);
          }
        }
        List<Labels> series = b.series(sels, mint, maxt);
        assertEquals(expected, series, "series " + what);
        assertTrue(
            h.series(sels, mint, maxt).containsAll(series),
            "block series within the head's: " + what);
        for (Matcher[] s : sels.isEmpty() ? List.<Matcher[]>of(new Matcher[0]) : sels) {
          for (SeriesData d : h.select(s, mint, maxt)) {
            assertTrue(
                series.contains(d.labels()), "a series with samples in range is listed: " + what);
          }
        }

        TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
        TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
        for (Labels l : expected) {
          l.forEach((n, v) -> names.add(n));
          String v = l.get(name);
          if (!v.isEmpty()) {
            values.add(v);
          }
        }
        assertEquals(new ArrayList<>(names), b.labelNames(sels, mint, maxt), "label names " + what);
        assertEquals(
            new ArrayList<>(values),
            b.labelValues(name, sels, mint, maxt),
            "values of " + name + " " + what);
      }
    }
  }

  /** Every written sample comes back, in order, with its exact bits (NaN payloads included). */
  private static void assertEverySampleBitExact(List<QueryData.Series> data, Querier b) {
    TreeMap<Labels, QueryData.Series> sorted = new TreeMap<>(LabelOrder.LABELS);
    data.forEach(s -> sorted.put(s.labels(), s));
    List<String> expected = new ArrayList<>();
    for (QueryData.Series s : sorted.values()) {
      expected.add(render(s.labels(), s.t(), s.bits()) + " histograms=0");
    }
    assertEquals(expected, render(b.select(new Matcher[0], MIN, MAX)));
    boolean sawStale =
        sorted.values().stream()
            .anyMatch(s -> Arrays.stream(s.bits()).anyMatch(x -> x == STALE_NAN));
    assertTrue(sawStale, "the data holds staleness markers");
  }

  private static boolean hasChunkIn(BlockSeries s, long mint, long maxt) {
    for (int i = 0; i < s.chunks().size(); i++) {
      if (s.chunkMinTimes()[i] <= maxt && s.chunkMaxTimes()[i] >= mint) {
        return true;
      }
    }
    return false;
  }

  private static List<QueryData.Series> randomSeries(Random rnd) {
    Map<Labels, QueryData.Series> out = new TreeMap<>(LabelOrder.LABELS);
    for (int k = 0; k < 80; k++) {
      List<String> nv = new ArrayList<>(List.of("__name__", pick(rnd, METRICS)));
      for (String n : NAMES) {
        if (rnd.nextInt(3) != 0) {
          nv.add(n);
          nv.add(pick(rnd, VALUES));
        }
      }
      Labels labels = Labels.of(nv.toArray(new String[0]));
      out.put(labels, randomSamples(rnd, labels));
    }
    return new ArrayList<>(out.values());
  }

  private static QueryData.Series randomSamples(Random rnd, Labels labels) {
    int want = 1 + rnd.nextInt(rnd.nextBoolean() ? 10 : 400);
    long[] t = new long[want];
    long[] bits = new long[want];
    long ts = BLOCK_MIN + (rnd.nextInt(4) == 0 ? 0 : (long) (rnd.nextDouble() * 3_600_000));
    int n = 0;
    long prev = 0;
    while (n < want && ts < BLOCK_MAX) {
      t[n] = ts;
      int kind = rnd.nextInt(10);
      bits[n] =
          kind == 0
              ? SPECIALS[rnd.nextInt(SPECIALS.length)]
              : kind == 1
                  ? rnd.nextLong()
                  : kind == 2
                      ? prev
                      : Double.doubleToRawLongBits(Math.round(rnd.nextDouble() * 1e4) / 4.0);
      prev = bits[n];
      n++;
      ts +=
          rnd.nextInt(20) == 0
              ? 1 + rnd.nextInt(3_600_000)
              : 1 + rnd.nextInt(rnd.nextBoolean() ? 30 : 60_000);
    }
    if (t[0] > BLOCK_MIN && rnd.nextInt(5) == 0) {
      t[n - 1] =
          Math.max(t[n - 1], BLOCK_MAX - 1); // some series reach the block's last millisecond
    }
    return new QueryData.Series(labels, Arrays.copyOf(t, n), Arrays.copyOf(bits, n));
  }

  private static long[] randomRange(Random rnd, List<QueryData.Series> data) {
    return new long[] {randomTime(rnd, data), randomTime(rnd, data)};
  }

  private static long randomTime(Random rnd, List<QueryData.Series> data) {
    switch (rnd.nextInt(8)) {
      case 0:
        return rnd.nextBoolean() ? MIN : MAX;
      case 1:
        return new long[] {BLOCK_MIN, BLOCK_MIN - 1, BLOCK_MAX, BLOCK_MAX - 1}[rnd.nextInt(4)];
      case 2:
      case 3:
        {
          QueryData.Series s = data.get(rnd.nextInt(data.size()));
          return s.t()[rnd.nextInt(s.t().length)]
              + rnd.nextInt(3)
              - 1; // at, just before or after a sample
        }
      default:
        return BLOCK_MIN - 3_600_000 + (long) (rnd.nextDouble() * 4 * 3_600_000);
    }
  }

  private static Matcher[] randomSelector(Random rnd) {
    Matcher[] m = new Matcher[rnd.nextInt(4)];
    for (int i = 0; i < m.length; i++) {
      int which = rnd.nextInt(NAMES.length + 2);
      String name =
          which < NAMES.length ? NAMES[which] : which == NAMES.length ? "__name__" : "missing";
      Matcher.Type type = Matcher.Type.values()[rnd.nextInt(4)];
      String value;
      if (type == Matcher.Type.EQ || type == Matcher.Type.NEQ) {
        int r = rnd.nextInt(10);
        value =
            r == 0 ? "" : name.equals("__name__") && r < 6 ? pick(rnd, METRICS) : pick(rnd, VALUES);
      } else {
        value = pick(rnd, REGEXES);
      }
      m[i] = new Matcher(type, name, value);
    }
    return m;
  }

  private static String pick(Random rnd, String[] from) {
    return from[rnd.nextInt(from.length)];
  }

  private static String describe(List<Matcher[]> sels) {
    StringBuilder sb = new StringBuilder();
    for (Matcher[] s : sels) {
      sb.append(Arrays.toString(s));
    }
    return sb.toString();
  }

  static List<String> render(List<SeriesData> data) {
    List<String> out = new ArrayList<>();
    for (SeriesData d : data) {
      long[] bits = new long[d.sampleCount()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = Double.doubleToRawLongBits(d.sampleV()[i]);
      }
      out.add(render(d.labels(), d.sampleT(), bits) + " histograms=" + d.histT().length);
    }
    return out;
  }

  private static String render(Labels labels, long[] t, long[] bits) {
    StringBuilder sb = new StringBuilder(labels.toString());
    for (int i = 0; i < t.length; i++) {
      sb.append(' ').append(t[i]).append('=').append(Long.toHexString(bits[i]));
    }
    return sb.toString();
  }
}
