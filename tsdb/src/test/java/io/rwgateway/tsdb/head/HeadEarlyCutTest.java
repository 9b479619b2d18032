package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cutting open chunks early under memory pressure: pieces go back to the pool, every sample stays
 * readable, later samples continue in new chunks, and order checks still see the last time.
 */
class HeadEarlyCutTest {
  private static final long T0 = 1_700_000_000_000L;

  private static void append(Head head, HeadAppender app, int from, int to, long dt) {
    for (int i = from; i < to; i++) {
      WriteBatch b = new WriteBatch();
      for (int s = 0; s < 200; s++) {
        Batches.series(b, "__name__", "m", "s", Integer.toString(s));
        Batches.samples(b, T0 + i * dt, s * 1000.0 + i * 1.5);
      }
      app.prepare(b, new Recorder());
      app.commit(b);
    }
  }

  private static List<SeriesData> all(Head head) {
    return new HeadQuerier(head)
        .select(new Matcher[] {Matcher.eq("__name__", "m")}, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Test
  void cutChunksGiveBackPiecesAndKeepEverySample() {
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 60_000);
    append(head, app, 0, 60, 10_000);
    List<SeriesData> before = all(head);
    long reusableBefore = head.reusableBytes();

    int atLeast64 = 0;
    for (int r = 1; r <= 200; r++) {
      MemSeries s = head.series(r);
      atLeast64 += s.count() > 0 && s.length() >= 64 ? 1 : 0;
    }
    assertTrue(atLeast64 > 100, atLeast64 + " open chunks of 64 bytes or more");
    int cut = head.cutOpenChunks(64);
    assertEquals(atLeast64, cut, "every open chunk of 64 bytes or more is cut");
    assertTrue(head.reusableBytes() > reusableBefore, "pieces went back to the pool");
    assertEquals(0, head.cutOpenChunks(64), "nothing left to cut");
    List<SeriesData> after = all(head);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).sampleT(), after.get(i).sampleT());
      assertArrayEquals(before.get(i).sampleV(), after.get(i).sampleV());
    }

    // Right after the cut, a sample older than the cut chunk's last one is still out of order, not
    // the first of an "in order" new chunk; later ones go into new chunks.
    WriteBatch late = new WriteBatch();
    Batches.series(late, "__name__", "m", "s", "0");
    Batches.samples(late, T0 + 59 * 10_000 - 5_000, -1);
    app.prepare(late, new Recorder());
    app.commit(late);
    append(head, app, 60, 100, 10_000);
    List<SeriesData> later = all(head);
    SeriesData s0 = later.stream().filter(d -> d.labels().get("s").equals("0")).findFirst().get();
    // No out-of-order window here: the late sample is refused, exactly as without the cut (had the
    // cut forgotten the last time, it would have opened the new chunk "in order").
    assertEquals(100, s0.sampleCount(), "the 100 in order; the late one refused");
    for (int i = 1; i < s0.sampleCount(); i++) {
      assertTrue(s0.sampleT()[i] > s0.sampleT()[i - 1], "sorted and unique");
    }
    // The streaming reader sees the early chunk and the ones after it, in order, not overlapping.
    try (ChunkQuerier q = head.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      ChunkSeriesSet set = q.select(Matcher.eq("s", "7"));
      assertTrue(set.next());
      ChunkIterator it = set.chunks();
      long lastMax = Long.MIN_VALUE;
      int chunks = 0;
      while (it.next()) {
        assertTrue(it.minTime() > lastMax);
        lastMax = it.maxTime();
        chunks++;
      }
      assertEquals(2, chunks, "the early-cut chunk and the open one");
      assertEquals(T0 + 99 * 10_000, lastMax);
    }
  }
}
