package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.query.FakeStore.TestChunk;
import io.rwgateway.query.FakeStore.TestSeries;
import io.rwgateway.tsdb.ChunkCutter;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deduplication of native histogram series through the proxy, against real gRPC stores: the
 * replicas' histogram chunks are merged by Thanos' penalty rule and come out as histogram chunks
 * holding every histogram once, with its counts.
 */
class ProxyHistogramDedupTest {
  private static final ProxyRequest DEDUP =
      new ProxyRequest(false, true, Set.of("replica"), List.of());

  private static Labels lat(String replica) {
    return Labels.of("__name__", "latency", "replica", replica);
  }

  /** A counter histogram every 15 s over [from, to] without [holeFrom, holeTo]: count t/15 s. */
  private static List<TestChunk> histograms(long from, long to, long holeFrom, long holeTo) {
    ChunkCutter cutter = new ChunkCutter();
    for (long t = from; t <= to; t += 15_000) {
      if (t >= holeFrom && t <= holeTo) {
        continue;
      }
      long n = t / 15_000 + 1;
      Histogram h = new Histogram().schema(0).count(n).sum(n * 1.5);
      h.positive().setAbsolute(new int[] {1}, new long[] {n}, 1);
      cutter.addHistogram(t, h);
    }
    cutter.finish();
    List<TestChunk> out = new ArrayList<>();
    for (int i = 0; i < cutter.chunkCount(); i++) {
      assertEquals(ChunkEncoding.HISTOGRAM, cutter.encoding(i));
      out.add(
          new TestChunk(
              new long[] {cutter.minTime(i), cutter.maxTime(i)},
              new double[2],
              Chunk.Encoding.HISTOGRAM,
              cutter.chunk(i)));
    }
    return out;
  }

  @Test
  void histogramReplicasMergeIntoOneSeriesOfHistogramChunks() throws Exception {
    try (FakeStore a =
            new FakeStore(
                List.of(Labels.of("replica", "a")),
                0,
                10_000_000,
                List.of(new TestSeries(lat("a"), histograms(0, 3_000_000, 600_000, 900_000))));
        FakeStore b =
            new FakeStore(
                List.of(Labels.of("replica", "b")),
                0,
                10_000_000,
                List.of(new TestSeries(lat("b"), histograms(0, 3_000_000, -1, -1))));
        EndpointSet set = Results.endpointSet(a, b)) {
      List<Long> times = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      int chunks = 0;
      try (ProxyChunkQuerier q =
          new ProxyChunkQueryable(set, false).chunkQuerier(DEDUP, 0, 10_000_000, "rate")) {
        ChunkSeriesSet s = q.select(Matcher.eq("__name__", "latency"));
        assertTrue(s.next());
        assertEquals(Labels.of("__name__", "latency"), s.labels());
        ChunkIterator it = s.chunks();
        while (it.next()) {
          chunks++;
          assertEquals(ChunkEncoding.HISTOGRAM, it.encoding());
          ByteBuffer bb = it.bytes();
          byte[] data = new byte[bb.remaining()];
          bb.get(data);
          HistogramChunkIterator h = new HistogramChunkIterator(data);
          long first = -1;
          long last = -1;
          while (h.next()) {
            times.add(h.t());
            counts.add(h.histogram().count());
            first = first < 0 ? h.t() : first;
            last = h.t();
          }
          assertEquals(first, it.minTime());
          assertEquals(last, it.maxTime());
        }
        assertTrue(!s.next(), "one deduplicated series");
      }
      // a's gap (600-900 s) is filled from b after Thanos' penalty: b is read from the last
      // sample before the gap + 1 + 2 intervals on, so 615 and 630 s are skipped.
      List<Long> expected = new ArrayList<>();
      for (long t = 0; t <= 3_000_000; t += 15_000) {
        if (t != 600_000 && t != 615_000) {
          expected.add(t);
        }
      }
      assertEquals(expected.size(), times.size());
      assertEquals(expected, times);
      for (int i = 0; i < times.size(); i++) {
        assertEquals(times.get(i) / 15_000 + 1, counts.get(i), "count at " + times.get(i));
      }
      assertTrue(chunks >= 2, "re-cut into chunks of at most 120: " + chunks);
    }
  }
}
