package io.rwgateway.tsdb.acceptance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One acceptance suite for every {@link ChunkQuerier} (as Thanos' store acceptance test is for its
 * stores): each implementation gets the same series and must give the same answers, derived here
 * from the series themselves. Subclasses store the data their way (head, block, blocks and head).
 */
public abstract class ChunkQuerierAcceptance {
  /** Data spans [T0, T0 + 6 h): three 2 h block ranges, so stores can split it. */
  protected static final long T0 = 1_700_000_000_000L / 7_200_000L * 7_200_000L;

  protected static final long END = T0 + 6 * 3_600_000L;

  private static final long STEP = 30_000;

  /** The series every implementation stores: labels, and samples every 30 s over [from, to). */
  protected record Data(Labels labels, long from, long to) {
    long[] times() {
      int n = (int) ((to - from) / STEP);
      long[] t = new long[n];
      for (int i = 0; i < n; i++) {
        t[i] = from + i * STEP;
      }
      return t;
    }

    static double value(Labels l, long t) {
      return (l.hashCode() % 1000) + (t - T0) / 1000.0;
    }
  }

  protected static final List<Data> DATA =
      List.of(
          new Data(Labels.of("__name__", "up", "job", "api", "instance", "a"), T0, END),
          new Data(Labels.of("__name__", "up", "job", "api", "instance", "b"), T0, END),
          new Data(Labels.of("__name__", "up", "job", "db", "instance", "a"), T0 + 3_600_000L, END),
          new Data(Labels.of("__name__", "up", "job", "db"), T0, T0 + 1_800_000L),
          new Data(Labels.of("__name__", "requests", "job", "api", "code", "200"), T0, END),
          new Data(
              Labels.of("__name__", "requests", "job", "api", "code", "500"), T0 + 7_500_000L, END),
          new Data(Labels.of("__name__", "requests", "instance", "c"), T0, END),
          new Data(Labels.of("__name__", "\uFF5E"), T0, END),
          new Data(Labels.of("__name__", "\uD83D\uDE00"), T0, END));

  /** The samples of every series, as every implementation must store them. */
  protected static long[][] samples(Data d) {
    long[] t = d.times();
    long[] bits = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      bits[i] = Double.doubleToRawLongBits(Data.value(d.labels(), t[i]));
    }
    return new long[][] {t, bits};
  }

  private final List<ChunkQuerier> opened = new ArrayList<>();

  /** A querier over {@link #DATA} in [mint, maxt], from the implementation under test. */
  protected abstract ChunkQuerier open(long mint, long maxt) throws Exception;

  /**
   * Whether label names and values leave out series without samples in the range. True for ours; a
   * querier over Prometheus' HTTP API answers for whole blocks (and its head as one), so a value of
   * a series that starts later in the same block is listed.
   */
  protected boolean labelAnswersFollowSamples() {
    return true;
  }

  private ChunkQuerier querier(long mint, long maxt) throws Exception {
    ChunkQuerier q = open(mint, maxt);
    opened.add(q);
    return q;
  }

  @AfterEach
  void closeQueriers() {
    opened.forEach(ChunkQuerier::close);
  }

  /** What the querier returns: labels to samples in [mint, maxt], checking order and chunks. */
  private static Map<String, List<Long>> read(ChunkQuerier q, long mint, long maxt, Matcher... ms) {
    Map<String, List<Long>> out = new TreeMap<>();
    ChunkSeriesSet set = q.select(ms);
    Labels prev = null;
    XorIterator x = new XorIterator();
    while (set.next()) {
      Labels l = set.labels();
      assertTrue(prev == null || LabelOrder.compareLabels(prev, l) < 0, "strictly sorted: " + l);
      prev = l;
      List<Long> samples = new ArrayList<>();
      ChunkIterator it = set.chunks();
      long lastMax = Long.MIN_VALUE;
      boolean any = false;
      while (it.next()) {
        any = true;
        assertEquals(ChunkEncoding.XOR, it.encoding());
        assertTrue(it.minTime() > lastMax, l + ": chunks ascending, not overlapping");
        assertTrue(it.minTime() <= maxt && it.maxTime() >= mint, l + ": chunk meets the range");
        lastMax = it.maxTime();
        ByteBuffer b = it.bytes();
        assertTrue(b.remaining() >= 2, "no chunk under 2 bytes");
        byte[] data = new byte[b.remaining()];
        b.get(data);
        x.reset(data, data.length);
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        while (x.next()) {
          first = first == Long.MIN_VALUE ? x.t() : first;
          last = x.t();
          if (x.t() >= mint && x.t() <= maxt) {
            samples.add(x.t());
            samples.add(x.valueBits());
          }
        }
        assertEquals(first, it.minTime(), "exact chunk min time");
        assertEquals(last, it.maxTime(), "exact chunk max time");
      }
      assertTrue(any, l + ": a series comes with a chunk");
      out.put(l.toString(), samples);
    }
    return out;
  }

  /** What {@link #read} must return, from the data. */
  private static Map<String, List<Long>> expected(
      long mint, long maxt, Predicate<Labels> selected) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Data d : DATA) {
      if (!selected.test(d.labels())) {
        continue;
      }
      long[][] s = samples(d);
      List<Long> in = new ArrayList<>();
      for (int i = 0; i < s[0].length; i++) {
        if (s[0][i] >= mint && s[0][i] <= maxt) {
          in.add(s[0][i]);
          in.add(s[1][i]);
        }
      }
      if (!in.isEmpty()) {
        out.put(d.labels().toString(), in);
      }
    }
    return out;
  }

  private void check(long mint, long maxt, Predicate<Labels> selected, Matcher... ms)
      throws Exception {
    Map<String, List<Long>> got = read(querier(mint, maxt), mint, maxt, ms);
    got.values().removeIf(List::isEmpty); // a chunk may meet the range with no sample inside
    assertEquals(expected(mint, maxt, selected), got);
  }

  private static String value(Labels l, String name) {
    String v = l.get(name);
    return v == null ? "" : v;
  }

  @Test
  void everythingOverTheWholeRange() throws Exception {
    check(
        Long.MIN_VALUE, Long.MAX_VALUE, l -> true, new Matcher(Matcher.Type.RE, "__name__", ".+"));
  }

  @Test
  void equalityAndInequality() throws Exception {
    check(T0, END, l -> value(l, "job").equals("api"), Matcher.eq("job", "api"));
    check(
        T0,
        END,
        l -> value(l, "__name__").equals("up") && !value(l, "instance").equals("a"),
        Matcher.eq("__name__", "up"),
        new Matcher(Matcher.Type.NEQ, "instance", "a"));
  }

  @Test
  void aMissingLabelMatchesAsEmpty() throws Exception {
    check(
        T0,
        END,
        l -> value(l, "__name__").equals("up") && value(l, "instance").isEmpty(),
        Matcher.eq("__name__", "up"),
        Matcher.eq("instance", ""));
  }

  @Test
  void regexesAreAnchoredAndNegatable() throws Exception {
    check(T0, END, l -> false, new Matcher(Matcher.Type.RE, "job", "ap"));
    check(
        T0,
        END,
        l -> Set.of("api", "db").contains(value(l, "job")),
        new Matcher(Matcher.Type.RE, "job", "api|db"));
    check(
        T0,
        END,
        l -> value(l, "__name__").equals("requests") && !value(l, "code").startsWith("5"),
        Matcher.eq("__name__", "requests"),
        new Matcher(Matcher.Type.NRE, "code", "5.."));
  }

  @Test
  void partialRangesAcrossStorageBoundaries() throws Exception {
    long[][] ranges = {
      {T0 + 7_100_000L, T0 + 7_300_000L}, // across the first block boundary
      {T0 + 1_000, T0 + 1_000}, // a single millisecond with no sample
      {T0 + 30_000, T0 + 30_000}, // exactly one sample
      {T0 + 5 * 3_600_000L, T0 + 10 * 3_600_000L}, // past the end
      {T0 - 3_600_000L, T0 + 60_000}, // before the start
    };
    for (long[] r : ranges) {
      check(r[0], r[1], l -> true, new Matcher(Matcher.Type.RE, "__name__", ".+"));
    }
  }

  @Test
  void anInvertedRangeSelectsNothing() throws Exception {
    assertFalse(querier(T0 + 10, T0).select(Matcher.eq("job", "api")).next());
  }

  @Test
  void labelsOnlySelectionListsTheSameSeries() throws Exception {
    ChunkQuerier q = querier(T0 + 7_100_000L, T0 + 7_300_000L);
    ChunkSeriesSet set = q.selectSeries(Matcher.eq("job", "api"));
    List<String> names = new ArrayList<>();
    while (set.next()) {
      names.add(set.labels().toString());
    }
    assertEquals(
        new ArrayList<>(
            expected(T0 + 7_100_000L, T0 + 7_300_000L, l -> value(l, "job").equals("api"))
                .keySet()),
        names);
  }

  @Test
  void labelNamesAndValues() throws Exception {
    ChunkQuerier q = querier(T0, END);
    assertEquals(List.of("__name__", "code", "instance", "job"), q.labelNames());
    assertEquals(List.of("api", "db"), q.labelValues("job"));
    assertEquals(List.of("a", "b"), q.labelValues("instance", Matcher.eq("job", "api")));
    assertEquals(
        List.of("requests", "up", "\uFF5E", "\uD83D\uDE00"),
        q.labelValues("__name__"),
        "UTF-8 order");
    assertEquals(List.of(), q.labelValues("nope"));
    ChunkQuerier early = querier(T0, T0 + 600_000);
    assertEquals(List.of("api"), early.labelValues("job", Matcher.eq("code", "200")));
    if (labelAnswersFollowSamples()) {
      assertFalse(early.labelValues("code").contains("500"), "500 starts later");
    }
  }

  @Test
  void aClosedQuerierRefusesWork() throws Exception {
    ChunkQuerier q = open(T0, END);
    q.close();
    q.close(); // twice is once
    assertThrows(IllegalStateException.class, () -> q.select(Matcher.eq("job", "api")));
  }

  @Test
  void samplesMatchTheDataExactly() throws Exception {
    Map<String, List<Long>> got =
        read(querier(T0, END), T0, END, Matcher.eq("__name__", "up"), Matcher.eq("job", "api"));
    for (Data d : DATA) {
      List<Long> g = got.get(d.labels().toString());
      if (g == null) {
        continue;
      }
      long[][] s = samples(d);
      long[] flat = new long[2 * s[0].length];
      for (int i = 0; i < s[0].length; i++) {
        flat[2 * i] = s[0][i];
        flat[2 * i + 1] = s[1][i];
      }
      assertArrayEquals(flat, g.stream().mapToLong(Long::longValue).toArray(), d.toString());
    }
    assertEquals(2, got.size());
  }
}
