package io.rwgateway.queryapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The streaming reorder against a plain sort: random stored series (many of them prefixes of
 * others), random added labels whose names fall between the stored ones.
 */
class OrderedTenantSourceTest {
  private static final String[] STORED_NAMES = {"__name__", "a", "c", "e", "g", "i"};
  private static final String[] ADDED_NAMES = {"0", "b", "d", "f", "h", "z"};

  private static ChunkSeriesSet set(List<Labels> series) {
    return new ChunkSeriesSet() {
      int i = -1;

      @Override
      public boolean next() {
        return ++i < series.size();
      }

      @Override
      public Labels labels() {
        return series.get(i);
      }

      @Override
      public ChunkIterator chunks() {
        return ChunkIterator.EMPTY;
      }
    };
  }

  private static Labels randomStored(SplittableRandom r) {
    TreeMap<String, String> m = new TreeMap<>(LabelOrder.UTF8);
    // Mostly short sets over few values: plenty of prefixes and shared beginnings.
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < STORED_NAMES.length && m.size() < n; i++) {
      if (i == 0 || r.nextInt(3) > 0) {
        m.put(STORED_NAMES[i], Integer.toString(r.nextInt(2)));
      }
    }
    return labels(m);
  }

  private static Labels labels(TreeMap<String, String> m) {
    String[] nv = new String[m.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      nv[i++] = e.getKey();
      nv[i++] = e.getValue();
    }
    return Labels.ofSorted(nv);
  }

  @Test
  void sameOrderAsSortingEverything() {
    for (int seed = 0; seed < 500; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      TreeSet<Labels> stored = new TreeSet<>(LabelOrder.LABELS);
      int count = 1 + r.nextInt(40);
      for (int i = 0; i < count; i++) {
        stored.add(randomStored(r));
      }
      TreeMap<String, String> added = new TreeMap<>();
      for (String n : ADDED_NAMES) {
        if (r.nextBoolean()) {
          added.put(n, "x");
        }
      }
      String tenantLabel = ADDED_NAMES[r.nextInt(ADDED_NAMES.length)];
      TenantLabelSet tenant = TenantLabelSet.of("t", tenantLabel, added);
      LabelTransform transform = new LabelTransform(tenant, java.util.Set.of());

      List<Labels> want = new ArrayList<>();
      for (Labels l : stored) {
        want.add(transform.apply(l));
      }
      want.sort(LabelOrder.LABELS);

      OrderedTenantSource source =
          new OrderedTenantSource(
              new TenantReader(set(new ArrayList<>(stored)), transform, true, false, () -> false));
      List<Labels> got = new ArrayList<>();
      int maxWaiting = 0;
      for (OutSeries s = source.next(); s != null; s = source.next()) {
        got.add(s.labels);
        maxWaiting = Math.max(maxWaiting, source.waiting());
      }
      assertEquals(want, got, "seed " + seed + ", stored " + stored);
      assertTrue(
          maxWaiting <= STORED_NAMES.length + 1,
          "seed " + seed + ": " + maxWaiting + " series waited at once");
    }
  }
}
