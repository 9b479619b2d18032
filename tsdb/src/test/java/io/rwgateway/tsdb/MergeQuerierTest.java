package io.rwgateway.tsdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.db.QueryData;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadQuerier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two blocks and a head whose series overlap, queried as one. */
class MergeQuerierTest {
  private static final long MIN = Long.MIN_VALUE;
  private static final long MAX = Long.MAX_VALUE;
  private static final String SMILE =
      "\uD83D\uDE00"; // U+1F600: after U+FF21 in UTF-8, before it in UTF-16
  private static final String FULLWIDTH_A = "\uFF21";

  @TempDir Path dir;

  private static Labels up(String job) {
    return Labels.of("__name__", "up", "job", job);
  }

  private static QueryData.Series s(Labels l, long[] t, double... v) {
    return QueryData.Series.of(l, t, v);
  }

  private static long[] t(long... t) {
    return t;
  }

  private static List<Matcher[]> sel(Matcher... m) {
    return List.<Matcher[]>of(m);
  }

  @Test
  void overlappingSeriesAcrossTwoBlocksAndTheHead() throws Exception {
    Random rnd = new Random(7);
    Path a =
        QueryData.writeBlock(
                dir,
                0,
                1000,
                List.of(
                    s(up("a"), t(100, 200, 300), 1, 2, 3),
                    s(up("b"), t(500), 5),
                    s(Labels.of("__name__", "only_a"), t(10), 0.5)),
                rnd)
            .dir();
    Path b =
        QueryData.writeBlock(
                dir,
                200,
                1200,
                List.of(
                    s(
                        up("a"),
                        t(300, 400, 1100),
                        30,
                        4,
                        11), // 300 repeats block a's sample with another value
                    s(up(SMILE), t(600), 6)),
                rnd)
            .dir();
    Head head = new Head(10);
    QueryData.append(
        head,
        List.of(
            s(up("a"), t(1100, 1200), 110, 12), // 1100 repeats block b's sample
            s(up("c"), t(1500), 15),
            s(up(FULLWIDTH_A), t(1600), 16)));

    try (Block blockA = Block.open(a);
        Block blockB = Block.open(b)) {
      MergeQuerier q =
          new MergeQuerier(List.of(blockA.querier(), blockB.querier(), new HeadQuerier(head)));

      List<SeriesData> all = q.select(new Matcher[] {Matcher.eq("__name__", "up")}, MIN, MAX);
      assertEquals(List.of(up("a"), up("b"), up("c"), up(FULLWIDTH_A), up(SMILE)), labels(all));
      SeriesData upA = all.get(0);
      assertArrayEquals(t(100, 200, 300, 400, 1100, 1200), upA.sampleT());
      // Duplicates keep the first querier's value: block a's 3 at 300, block b's 11 at 1100.
      assertArrayEquals(new double[] {1, 2, 3, 4, 11, 12}, upA.sampleV());

      assertEquals(
          List.of("a", "b", "c", FULLWIDTH_A, SMILE),
          q.labelValues("job", List.of(), MIN, MAX),
          "the union of every querier's values, in UTF-8 byte order");
      assertEquals(List.of("__name__", "job"), q.labelNames(List.of(), 0, 150));
      assertEquals(List.of("__name__"), q.labelNames(List.of(), 10, 10));
      assertEquals(
          List.of(
              Labels.of("__name__", "only_a"),
              up("a"),
              up("b"),
              up("c"),
              up(FULLWIDTH_A),
              up(SMILE)),
          q.series(List.of(), MIN, MAX));

      // Time range: only what lies in [250, 1150], from whichever querier holds it.
      List<SeriesData> mid = q.select(new Matcher[] {Matcher.eq("job", "a")}, 250, 1150);
      assertEquals(1, mid.size());
      assertArrayEquals(t(300, 400, 1100), mid.get(0).sampleT());
      assertArrayEquals(new double[] {3, 4, 11}, mid.get(0).sampleV());
      assertEquals(List.of(up("c"), up(FULLWIDTH_A)), q.series(List.of(), 1400, MAX));
      assertEquals(List.of("c", FULLWIDTH_A), q.labelValues("job", List.of(), 1400, MAX));
      assertEquals(
          List.of("a", SMILE),
          q.labelValues("job", sel(new Matcher(Matcher.Type.NRE, "job", "b|c")), 550, 1150));
      assertEquals(List.of(), q.select(new Matcher[0], 2000, MAX));

      // Precedence follows the list: with the head first, its value at 1100 wins.
      MergeQuerier headFirst =
          new MergeQuerier(List.of(new HeadQuerier(head), blockB.querier(), blockA.querier()));
      SeriesData headA = headFirst.select(new Matcher[] {Matcher.eq("job", "a")}, MIN, MAX).get(0);
      assertArrayEquals(new double[] {1, 2, 30, 4, 110, 12}, headA.sampleV());
    }
  }

  @Test
  void histogramsMergeLikeFloats() {
    Labels l = up("h");
    Querier first =
        new Fixed(new SeriesData(l, t(1), new double[] {1}, t(5, 7), new byte[][] {{1}, {2}}));
    Querier second =
        new Fixed(
            new SeriesData(
                l, t(1, 2), new double[] {9, 2}, t(6, 7, 8), new byte[][] {{3}, {4}, {5}}));
    SeriesData d = new MergeQuerier(List.of(first, second)).select(new Matcher[0], MIN, MAX).get(0);
    assertArrayEquals(t(1, 2), d.sampleT());
    assertArrayEquals(new double[] {1, 2}, d.sampleV());
    assertArrayEquals(t(5, 6, 7, 8), d.histT());
    assertArrayEquals(new byte[][] {{1}, {3}, {2}, {5}}, d.histograms());
  }

  @Test
  void blocksPlusHeadAnswerLikeOneHeadHoldingEverything() throws Exception {
    long t0 = 1_732_456_800_000L;
    long hour = 3_600_000L;
    Random rnd = new Random(11);
    List<QueryData.Series> full = new ArrayList<>();
    List<QueryData.Series> in1 = new ArrayList<>();
    List<QueryData.Series> in2 = new ArrayList<>();
    List<QueryData.Series> inHead = new ArrayList<>();
    String[] values = {"a", "b", FULLWIDTH_A, SMILE, "\u00e9t\u00e9"};
    for (int k = 0; k < 40; k++) {
      Labels l =
          Labels.of(
              "__name__", "m" + (k % 3), "k", String.valueOf(k), "v", values[k % values.length]);
      int n = 1 + rnd.nextInt(300);
      long[] ts = new long[n];
      long[] bits = new long[n];
      long at = t0 + rnd.nextInt(1_000_000);
      for (int i = 0; i < n; i++) {
        ts[i] = at;
        bits[i] =
            i % 50 == 7 ? 0x7ff0000000000002L : Double.doubleToRawLongBits(rnd.nextGaussian());
        at += 1 + rnd.nextInt(40_000);
      }
      full.add(new QueryData.Series(l, ts, bits));
      // Each sample goes to its block, the head, or both (then the same value twice).
      boolean[] toBlock = new boolean[n];
      boolean[] toHead = new boolean[n];
      for (int i = 0; i < n; i++) {
        toBlock[i] = ts[i] < t0 + 2 * hour && rnd.nextInt(10) < 7;
        toHead[i] = !toBlock[i] || rnd.nextBoolean();
      }
      in1.add(part(l, ts, bits, toBlock, t0, t0 + hour));
      in2.add(part(l, ts, bits, toBlock, t0 + hour, t0 + 2 * hour));
      inHead.add(part(l, ts, bits, toHead, MIN, MAX));
    }
    Head fullHead = new Head(10);
    QueryData.append(fullHead, full);
    Head head = new Head(10);
    QueryData.append(head, inHead);
    Path b1 = QueryData.writeBlock(dir, t0, t0 + hour, in1, rnd).dir();
    Path b2 = QueryData.writeBlock(dir, t0 + hour, t0 + 2 * hour, in2, rnd).dir();
    try (Block block1 = Block.open(b1);
        Block block2 = Block.open(b2)) {
      Querier merged =
          new MergeQuerier(List.of(block1.querier(), block2.querier(), new HeadQuerier(head)));
      Querier expected = new HeadQuerier(fullHead);
      long[][] ranges = {
        {MIN, MAX}, {t0 + hour - 5000, t0 + hour + 5000}, {t0 + 1_500_000, t0 + 9_000_000}
      };
      Matcher[][] selectors = {
        {},
        {Matcher.eq("__name__", "m1")},
        {new Matcher(Matcher.Type.RE, "v", ".*\u00e9.*|" + SMILE)}
      };
      for (long[] r : ranges) {
        for (Matcher[] m : selectors) {
          String what = Arrays.toString(r) + " " + Arrays.toString(m);
          assertEquals(
              render(expected.select(m, r[0], r[1])), render(merged.select(m, r[0], r[1])), what);
        }
      }
      assertEquals(expected.series(List.of(), MIN, MAX), merged.series(List.of(), MIN, MAX));
      assertEquals(
          expected.labelValues("v", List.of(), MIN, MAX),
          merged.labelValues("v", List.of(), MIN, MAX));
      assertEquals(
          expected.labelNames(List.of(), MIN, MAX), merged.labelNames(List.of(), MIN, MAX));
    }
  }

  /** The samples of a series flagged in {@code take} that lie in [from, to). */
  private static QueryData.Series part(
      Labels l, long[] ts, long[] bits, boolean[] take, long from, long to) {
    int n = 0;
    long[] t = new long[ts.length];
    long[] b = new long[ts.length];
    for (int i = 0; i < ts.length; i++) {
      if (take[i] && ts[i] >= from && ts[i] < to) {
        t[n] = ts[i];
        b[n++] = bits[i];
      }
    }
    return new QueryData.Series(l, Arrays.copyOf(t, n), Arrays.copyOf(b, n));
  }

  private static List<Labels> labels(List<SeriesData> data) {
    List<Labels> out = new ArrayList<>();
    data.forEach(d -> out.add(d.labels()));
    return out;
  }

  private static List<String> render(List<SeriesData> data) {
    List<String> out = new ArrayList<>();
    for (SeriesData d : data) {
      StringBuilder sb = new StringBuilder(d.labels().toString());
      for (int i = 0; i < d.sampleCount(); i++) {
        sb.append(' ')
            .append(d.sampleT()[i])
            .append('=')
            .append(Long.toHexString(Double.doubleToRawLongBits(d.sampleV()[i])));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** A querier over fixed data, for what blocks and the head cannot hold together (histograms). */
  private record Fixed(SeriesData data) implements Querier {
    @Override
    public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
      return List.of("__name__", "job");
    }

    @Override
    public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
      return List.of(data.labels().get(name));
    }

    @Override
    public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
      return List.of(data.labels());
    }

    @Override
    public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
      return List.of(data);
    }
  }
}
