package io.rwgateway.tsdb.block;

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
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming block reader hands out the chunks exactly as written, in label order, only those
 * meeting the range, and agrees with the list querier on every sample; leases defer deletion.
 */
class BlockChunkQuerierTest {
  private static final long MIN = 7_200_000L * 300;
  private static final long MAX = MIN + 7_200_000L;
  private static final long STEP = 15_000;

  @TempDir Path dir;

  /** 20 series, 480 samples each (4 chunks of 120), values a function of series and time. */
  private static List<BlockSeries> data() {
    List<BlockSeries> out = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      int n = 480;
      long[] t = new long[n];
      long[] bits = new long[n];
      for (int i = 0; i < n; i++) {
        t[i] = MIN + i * STEP;
        bits[i] = Double.doubleToRawLongBits(s * 1000.0 + i / 4.0);
      }
      Labels l =
          Labels.of("__name__", "m" + (s % 3), "job", s % 2 == 0 ? "api" : "web", "s", "s" + s);
      out.add(BlockSeries.encode(l, t, bits, n));
    }
    out.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    return out;
  }

  private Block block(List<BlockSeries> series) throws Exception {
    return Block.open(BlockWriter.write(dir, MIN, MAX, series, Labels.EMPTY, "t"));
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void chunksComeOutAsWrittenInLabelOrder() throws Exception {
    List<BlockSeries> written = data();
    try (Block b = block(written);
        ChunkQuerier q = b.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      ChunkSeriesSet set = q.select(new Matcher(Matcher.Type.RE, "__name__", ".+"));
      for (BlockSeries w : written) {
        assertTrue(set.next(), "series " + w.labels());
        assertEquals(w.labels(), set.labels());
        ChunkIterator it = set.chunks();
        for (int c = 0; c < w.chunks().size(); c++) {
          assertTrue(it.next());
          assertEquals(ChunkEncoding.XOR, it.encoding());
          assertEquals(w.chunkMinTimes()[c], it.minTime());
          assertEquals(w.chunkMaxTimes()[c], it.maxTime());
          assertArrayEquals(w.chunks().get(c), bytes(it.bytes()));
        }
        assertFalse(it.next());
      }
      assertFalse(set.next());
    }
  }

  @Test
  void onlyChunksMeetingTheRangeAndSeriesHavingOne() throws Exception {
    try (Block b = block(data())) {
      // Chunk k covers [MIN + 120k*STEP, MIN + (120k+119)*STEP]; this range meets chunks 1 and 2.
      long from = MIN + 200 * STEP;
      long to = MIN + 250 * STEP;
      try (ChunkQuerier q = b.chunkQuerier(from, to)) {
        ChunkSeriesSet set = q.select(Matcher.eq("s", "s4"));
        assertTrue(set.next());
        ChunkIterator it = set.chunks();
        assertTrue(it.next());
        assertEquals(MIN + 120 * STEP, it.minTime());
        assertTrue(it.next());
        assertEquals(MIN + 240 * STEP, it.minTime());
        assertFalse(it.next());
        assertFalse(set.next());
      }
      try (ChunkQuerier q = b.chunkQuerier(MAX, MAX + 1000)) {
        assertFalse(q.select(Matcher.eq("job", "api")).next());
      }
      try (ChunkQuerier q = b.chunkQuerier(MIN + 5, MIN)) {
        assertFalse(q.select(Matcher.eq("job", "api")).next());
      }
    }
  }

  @Test
  void decodedChunksAgreeWithTheListQuerier() throws Exception {
    Random r = new Random(11);
    try (Block b = block(data())) {
      for (int round = 0; round < 200; round++) {
        long from = MIN - 3_600_000 + (long) r.nextInt(10_800) * 1000;
        long to = from + (long) r.nextInt(7_200) * 1000;
        Matcher[] ms = {
          r.nextBoolean()
              ? Matcher.eq("job", r.nextBoolean() ? "api" : "web")
              : new Matcher(Matcher.Type.RE, "__name__", r.nextBoolean() ? "m1|m2" : "m.*"),
          new Matcher(Matcher.Type.NEQ, "s", "s" + r.nextInt(20))
        };
        List<SeriesData> expected = b.querier().select(ms, from, to);
        List<SeriesData> got = new ArrayList<>();
        try (ChunkQuerier q = b.chunkQuerier(from, to)) {
          ChunkSeriesSet set = q.select(ms);
          while (set.next()) {
            got.add(decode(set.labels(), set.chunks(), from, to));
          }
        }
        got.removeIf(d -> d.sampleCount() == 0); // chunks meet the range, samples may not
        assertEquals(expected.size(), got.size(), "round " + round);
        for (int i = 0; i < got.size(); i++) {
          assertEquals(expected.get(i).labels(), got.get(i).labels());
          assertArrayEquals(expected.get(i).sampleT(), got.get(i).sampleT());
          assertArrayEquals(expected.get(i).sampleV(), got.get(i).sampleV());
        }
      }
    }
  }

  private static SeriesData decode(Labels l, ChunkIterator it, long from, long to) {
    List<Long> ts = new ArrayList<>();
    List<Double> vs = new ArrayList<>();
    XorIterator x = new XorIterator();
    while (it.next()) {
      byte[] data = bytes(it.bytes());
      x.reset(data, data.length);
      while (x.next()) {
        if (x.t() >= from && x.t() <= to) {
          ts.add(x.t());
          vs.add(Double.longBitsToDouble(x.valueBits()));
        }
      }
    }
    return new SeriesData(
        l,
        ts.stream().mapToLong(Long::longValue).toArray(),
        vs.stream().mapToDouble(Double::doubleValue).toArray(),
        new long[0],
        new byte[0][]);
  }

  @Test
  void labelNamesAndValuesInTheRange() throws Exception {
    try (Block b = block(data());
        ChunkQuerier q = b.chunkQuerier(MIN, MAX)) {
      assertEquals(List.of("__name__", "job", "s"), q.labelNames());
      assertEquals(List.of("api", "web"), q.labelValues("job"));
      assertEquals(List.of("m1"), q.labelValues("__name__", Matcher.eq("s", "s4")));
      assertEquals(List.of(), q.labelValues("nope"));
    }
    try (Block b = block(data());
        ChunkQuerier q = b.chunkQuerier(MAX, MAX + 1)) {
      assertEquals(List.of(), q.labelNames());
    }
  }

  @Test
  void deletionWaitsForTheLastLease() throws Exception {
    Block b = block(data());
    AtomicInteger deleted = new AtomicInteger();
    ChunkQuerier q1 = b.chunkQuerier(MIN, MAX);
    ChunkQuerier q2 = b.chunkQuerier(MIN, MAX);
    assertEquals(2, b.leases());
    b.deleteWhenUnused(deleted::incrementAndGet);
    assertThrows(IllegalStateException.class, () -> b.chunkQuerier(MIN, MAX));
    assertFalse(b.acquire());

    q1.close();
    q1.close(); // twice is once
    assertEquals(0, deleted.get());
    ChunkSeriesSet set = q2.select(Matcher.eq("s", "s1"));
    assertTrue(set.next(), "a held block still reads");
    assertTrue(set.chunks().next());
    q2.close();
    assertEquals(1, deleted.get());
    assertThrows(IllegalStateException.class, () -> q2.select(Matcher.eq("s", "s1")));
    assertThrows(IllegalStateException.class, b::release);
  }

  @Test
  void unusedBlockIsDeletedAtOnce() throws Exception {
    Block b = block(data());
    assertTrue(Files.isDirectory(b.dir()));
    AtomicInteger deleted = new AtomicInteger();
    b.deleteWhenUnused(deleted::incrementAndGet);
    assertEquals(1, deleted.get());
  }
}
