package io.rwgateway.tsdb.postings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Selection agrees with the definition, series by series: a series is selected when every matcher
 * accepts its value for the label, a missing label counting as "". Random series and matchers of
 * all four types, including literal sets (looked up) and expressions (scanned).
 */
class PostingsSelectionTest {
  private static final String[] NAMES = {"job", "env", "pod"};
  private static final String[] VALUES = {"api", "web", "db", "a.b", "", "api-1"};
  private static final String[] REGEXES = {
    "api|web", "api", ".*", ".+", "a.*", ".*b", "(api|db)", "a\\.b", "", "api|", "w.b", "[ad].*"
  };

  /** A map-backed index; series without a value for a label simply lack it. */
  private static final class MapIndex implements PostingsIndex {
    final List<Map<String, String>> series = new ArrayList<>();
    final Map<String, Map<String, List<Long>>> postings = new HashMap<>();

    void add(Map<String, String> labels) {
      long ref = series.size();
      series.add(labels);
      labels.forEach(
          (n, v) ->
              postings
                  .computeIfAbsent(n, k -> new TreeMap<>())
                  .computeIfAbsent(v, k -> new ArrayList<>())
                  .add(ref));
    }

    @Override
    public long[] postings(String name, String value) {
      List<Long> refs = postings.getOrDefault(name, Map.of()).getOrDefault(value, List.of());
      return refs.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public Collection<String> labelValues(String name) {
      return postings.getOrDefault(name, Map.of()).keySet();
    }

    @Override
    public long[] seriesRefs() {
      long[] all = new long[series.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }

    long[] bruteForce(Matcher[] matchers) {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < series.size(); i++) {
        boolean all = true;
        for (Matcher m : matchers) {
          all &= m.matches(series.get(i).getOrDefault(m.name(), ""));
        }
        if (all) {
          out.add((long) i);
        }
      }
      return out.stream().mapToLong(Long::longValue).toArray();
    }
  }

  private static Matcher randomMatcher(Random r) {
    Matcher.Type type = Matcher.Type.values()[r.nextInt(4)];
    String name = NAMES[r.nextInt(NAMES.length)];
    boolean regex = type == Matcher.Type.RE || type == Matcher.Type.NRE;
    String value = regex ? REGEXES[r.nextInt(REGEXES.length)] : VALUES[r.nextInt(VALUES.length)];
    return new Matcher(type, name, value);
  }

  @Test
  void selectionIsWhatTheMatchersAcceptSeriesBySeries() {
    Random r = new Random(7);
    for (int round = 0; round < 500; round++) {
      MapIndex index = new MapIndex();
      int n = 1 + r.nextInt(40);
      for (int s = 0; s < n; s++) {
        Map<String, String> labels = new TreeMap<>();
        for (String name : NAMES) {
          String v = VALUES[r.nextInt(VALUES.length)];
          if (!v.isEmpty() && r.nextInt(4) != 0) { // a label with an empty value is no label
            labels.put(name, v);
          }
        }
        index.add(labels);
      }
      Matcher[] matchers = new Matcher[1 + r.nextInt(3)];
      for (int i = 0; i < matchers.length; i++) {
        matchers[i] = randomMatcher(r);
      }
      assertArrayEquals(
          index.bruteForce(matchers),
          PostingsSelection.select(index, matchers),
          () -> "round " + Arrays.toString(matchers));

      List<Matcher[]> selectors = List.of(matchers, new Matcher[] {randomMatcher(r)});
      long[] union =
          LongStream.concat(
                  Arrays.stream(index.bruteForce(selectors.get(0))),
                  Arrays.stream(index.bruteForce(selectors.get(1))))
              .distinct()
              .sorted()
              .toArray();
      assertArrayEquals(union, PostingsSelection.selectUnion(index, selectors));
    }
  }
}
