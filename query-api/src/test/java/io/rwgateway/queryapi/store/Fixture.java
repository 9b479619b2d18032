package io.rwgateway.queryapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** The two-tenant data most tests use, and helpers to call and read the services. */
final class Fixture {
  private Fixture() {}

  static final Map<String, String> EXTERNAL = Map.of("cluster", "eu", "replica", "r1");
  static final StoreApiOptions OPTIONS = StoreApiOptions.defaults().withExternalLabels(EXTERNAL);

  /** Prometheus' "no time range" bounds that Thanos Query sends (docs/format/storeapi.md). */
  static final long PROM_MIN = -9223309901257974000L;

  static final long PROM_MAX = 9223309901257974999L;

  static final Labels A1 = Labels.of("__name__", "up", "job", "api", "instance", "a:1");
  static final Labels A2 = Labels.of("__name__", "up", "job", "db", "instance", "b:1");
  static final Labels A3 =
      Labels.of("__name__", "http_requests_total", "job", "api", "code", "200");
  static final Labels A4 = Labels.of("__name__", "up");
  static final Labels B1 = Labels.of("__name__", "up", "job", "api", "instance", "c:1");
  static final Labels B2 = Labels.of("__name__", "other", "team", "x");
  static final Labels B3 = A1;

  /**
   * alpha: A1 (10 samples from 1000 s), A2 (5 from 5000), A3 (3 from 2000), A4 (1 at 3000); beta:
   * B1 (4 from 1500), B2 (2 from 100000), B3 = A1's labels (3 from 20000).
   */
  static FakeChunkStore twoTenants() {
    FakeChunkStore s = new FakeChunkStore();
    add(s, "alpha", A1, 1_000, 1_000, 10);
    add(s, "alpha", A2, 5_000, 1_000, 5);
    add(s, "alpha", A3, 2_000, 500, 3);
    add(s, "alpha", A4, 3_000, 1_000, 1);
    add(s, "beta", B1, 1_500, 1_000, 4);
    add(s, "beta", B2, 100_000, 15_000, 2);
    add(s, "beta", B3, 20_000, 1_000, 3);
    return s;
  }

  static void add(FakeChunkStore s, String tenant, Labels l, long start, long step, int n) {
    s.add(tenant, l, times(start, step, n), values(start, n));
  }

  static long[] times(long start, long step, int n) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      t[i] = start + i * step;
    }
    return t;
  }

  /** Values that differ per series (seeded by the start) and per sample. */
  static double[] values(long seed, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = seed * 0.5 + i * 1.25;
    }
    return v;
  }

  /** The labels served for a stored set: stored + external (override) + tenant label. */
  static Labels served(Labels stored, String tenant) {
    java.util.TreeMap<String, String> m = new java.util.TreeMap<>(LabelOrder.UTF8);
    stored.forEach(m::put);
    m.putAll(EXTERNAL);
    m.put("tenant_id", tenant);
    String[] nv = new String[m.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      nv[i++] = e.getKey();
      nv[i++] = e.getValue();
    }
    return Labels.ofSorted(nv);
  }

  static LabelMatcher m(LabelMatcher.Type type, String name, String value) {
    return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
  }

  static LabelMatcher eq(String name, String value) {
    return m(LabelMatcher.Type.EQ, name, value);
  }

  static LabelMatcher re(String name, String value) {
    return m(LabelMatcher.Type.RE, name, value);
  }

  /** All time, the given matchers. */
  static SeriesRequest.Builder req(LabelMatcher... matchers) {
    SeriesRequest.Builder b =
        SeriesRequest.newBuilder().setMinTime(Long.MIN_VALUE).setMaxTime(Long.MAX_VALUE);
    for (LabelMatcher x : matchers) {
      b.addMatchers(x);
    }
    return b;
  }

  /** The answer: frames, and series with their frames' chunks joined. */
  record Answer(List<SeriesResponse> frames, List<Series> series) {
    List<Labels> labels() {
      List<Labels> out = new ArrayList<>();
      for (Series s : series) {
        out.add(labels(s));
      }
      return out;
    }

    static Labels labels(Series s) {
      String[] nv = new String[s.getLabelsCount() * 2];
      int i = 0;
      for (Label l : s.getLabelsList()) {
        nv[i++] = l.getName();
        nv[i++] = l.getValue();
      }
      return Labels.ofSorted(nv);
    }
  }

  /**
   * Calls Series and reads every frame. Checks what holds for every answer: each frame is a series,
   * labels sorted and unique, series strictly ascending, frames of one series consecutive, chunks
   * raw with at least 2 bytes, hash 0 and in time order.
   */
  static Answer series(StoreGrpc.StoreBlockingStub stub, SeriesRequest req) {
    List<SeriesResponse> frames = new ArrayList<>();
    List<Series> series = new ArrayList<>();
    Iterator<SeriesResponse> it = stub.series(req);
    while (it.hasNext()) {
      SeriesResponse r = it.next();
      frames.add(r);
      assertEquals(SeriesResponse.ResultCase.SERIES, r.getResultCase(), "only series frames");
      Series s = r.getSeries();
      assertSortedUnique(s.getLabelsList());
      int last = series.size() - 1;
      if (last >= 0 && series.get(last).getLabelsList().equals(s.getLabelsList())) {
        assertTrue(s.getChunksCount() > 0, "a continuation frame carries chunks");
        series.set(last, series.get(last).toBuilder().addAllChunks(s.getChunksList()).build());
      } else {
        if (last >= 0) {
          assertTrue(
              LabelOrder.compareLabels(Answer.labels(series.get(last)), Answer.labels(s)) < 0,
              "series strictly ascending: " + Answer.labels(s));
        }
        series.add(s);
      }
    }
    for (Series s : series) {
      long prevMin = Long.MIN_VALUE;
      for (AggrChunk c : s.getChunksList()) {
        assertTrue(c.hasRaw(), "raw chunk");
        assertTrue(c.getRaw().getData().size() >= 2, "chunk has its header");
        assertEquals(0, c.getRaw().getHash());
        assertTrue(c.getMinTime() >= prevMin, "chunks in time order");
        assertTrue(c.getMinTime() <= c.getMaxTime());
        prevMin = c.getMinTime();
      }
    }
    return new Answer(frames, series);
  }

  static void assertSortedUnique(List<Label> labels) {
    for (int i = 1; i < labels.size(); i++) {
      assertTrue(
          LabelOrder.compareUtf8(labels.get(i - 1).getName(), labels.get(i).getName()) < 0,
          "labels sorted and unique: " + labels);
    }
  }

  /** Decodes every (XOR) chunk of the series: times and value bits, in order. */
  static List<long[]> samples(Series s) {
    List<long[]> out = new ArrayList<>();
    for (AggrChunk c : s.getChunksList()) {
      assertEquals(Chunk.Encoding.XOR, c.getRaw().getType());
      byte[] b = c.getRaw().getData().toByteArray();
      XorIterator it = new XorIterator(b, b.length);
      long first = Long.MIN_VALUE;
      long last = Long.MIN_VALUE;
      while (it.next()) {
        if (first == Long.MIN_VALUE) {
          first = it.t();
        }
        last = it.t();
        out.add(new long[] {it.t(), it.valueBits()});
      }
      assertEquals(c.getMinTime(), first, "chunk min time is its first sample");
      assertEquals(c.getMaxTime(), last, "chunk max time is its last sample");
    }
    return out;
  }

  /** What {@link #samples} should give for samples added with {@link #add}. */
  static List<long[]> expected(long start, long step, int n) {
    long[] t = times(start, step, n);
    double[] v = values(start, n);
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new long[] {t[i], Double.doubleToRawLongBits(v[i])});
    }
    return out;
  }

  static void assertSamples(List<long[]> want, List<long[]> got) {
    assertEquals(want.size(), got.size(), "sample count");
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i)[0], got.get(i)[0], "time of sample " + i);
      assertEquals(want.get(i)[1], got.get(i)[1], "value of sample " + i);
    }
  }

  static StatusRuntimeException assertStatus(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), () -> "status: " + e.getStatus());
    assertNotEquals(null, e.getStatus().getDescription());
    return e;
  }
}
