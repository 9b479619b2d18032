package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head with its finished chunks in segment files: queries, block export, replay and truncation
 * read and drop them exactly, and concurrent readers see every acknowledged sample once.
 */
class HeadChunksOnDiskTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000;
  private static final long STALE = 0x7ff0000000000002L;
  private static final Matcher[] ALL = new Matcher[0];

  @TempDir Path tmp;

  private Head head;

  private Path chunksDir() {
    return tmp.resolve("chunks_head");
  }

  /** A head whose segments are small, so a few series spread over many of them. */
  private Head newHead(long segmentBytes) throws IOException {
    head = new Head(100, HeadChunks.open(chunksDir(), segmentBytes));
    return head;
  }

  @AfterEach
  void close() {
    if (head != null) {
      head.close();
    }
  }

  /**
   * Sample i of series s: a stale marker now and then, otherwise values that do not compress well.
   */
  private static long bits(int s, int i) {
    return i % 97 == 0 ? STALE : Double.doubleToRawLongBits(s * 1000 + i * 1.37 + Math.sin(i));
  }

  /**
   * Appends samples [from, to) of series 0..n-1, {@code perBatch} samples per series in a batch.
   */
  private static void fill(HeadAppender app, Recorder log, int n, int from, int to, int perBatch) {
    for (int i = from; i < to; i += perBatch) {
      WriteBatch b = new WriteBatch();
      for (int s = 0; s < n; s++) {
        Batches.series(b, "__name__", "m", "s", Integer.toString(s));
        for (int k = i; k < Math.min(to, i + perBatch); k++) {
          b.addSample(T0 + k * STEP, Double.longBitsToDouble(bits(s, k)));
        }
      }
      app.prepare(b, log);
      log.commit();
      app.commit(b);
      assertNull(b.failure);
    }
  }

  private static SeriesData one(HeadQuerier q, int s, long mint, long maxt) {
    List<SeriesData> d = q.select(new Matcher[] {Matcher.eq("s", Integer.toString(s))}, mint, maxt);
    assertEquals(1, d.size());
    return d.get(0);
  }

  /** Asserts the series holds exactly samples [from, to) in order, with exact value bits. */
  private static void assertSamples(SeriesData d, int s, int from, int to) {
    assertEquals(to - from, d.sampleCount(), "samples of series " + s);
    for (int i = from; i < to; i++) {
      assertEquals(T0 + i * STEP, d.sampleT()[i - from]);
      assertEquals(bits(s, i), Double.doubleToRawLongBits(d.sampleV()[i - from]), "sample " + i);
    }
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void longSeriesReadBackAndExportExactlyWithTheirChunksOnDisk() throws IOException {
    Head h = newHead(4096);
    fill(new HeadAppender(h, 0), new Recorder(), 3, 0, 1500, 50);
    MemSeries s0 = h.series(1);
    FinishedChunks finished = new FinishedChunks(h.chunks);
    int k = finished.load(s0.snapshot(h.lock, h.chunks), Long.MIN_VALUE, Long.MAX_VALUE);
    assertTrue(k >= 1500 / 120, k + " finished chunks");
    int inChunks = 0;
    for (int c = 0; c < k; c++) {
      int n =
          XorIterator.count(
              Arrays.copyOfRange(finished.bytes(), finished.offset(c), finished.offset(c) + 2));
      assertTrue(
          n == 120 || finished.length(c) >= MemSeries.CHUNK_MAX_BYTES,
          "chunk " + c + " is cut at 120 samples or by size: " + n + ", " + finished.length(c));
      inChunks += n;
    }
    assertEquals(1500, inChunks + s0.count(), "the open chunk (on the heap) holds the rest");
    assertTrue(files(chunksDir()).size() > 3, "several segments: " + files(chunksDir()));
    assertTrue(h.chunkDiskBytes() > 3 * 12 * 120, "disk bytes " + h.chunkDiskBytes());

    HeadQuerier q = new HeadQuerier(h);
    for (int s = 0; s < 3; s++) {
      assertSamples(one(q, s, Long.MIN_VALUE, Long.MAX_VALUE), s, 0, 1500);
      assertSamples(one(q, s, T0 + 130 * STEP, T0 + 250 * STEP), s, 130, 251);
      assertSamples(one(q, s, T0 + 239 * STEP, T0 + 240 * STEP), s, 239, 241); // across a cut
      assertSamples(one(q, s, T0 + 1490 * STEP, Long.MAX_VALUE), s, 1490, 1500);
    }

    HeadBlockSource src = new HeadBlockSource(h, T0 + 100 * STEP, T0 + 1400 * STEP);
    for (int s = 0; s < 3; s++) {
      BlockSeries bs = src.next();
      assertEquals(Integer.toString(s), bs.labels().get("s"));
      int i = 100;
      for (byte[] c : bs.chunks()) {
        XorIterator it = new XorIterator(c, c.length);
        while (it.next()) {
          assertEquals(T0 + i * STEP, it.t());
          assertEquals(bits(s, i), it.valueBits(), "sample " + i);
          i++;
        }
      }
      assertEquals(1400, i);
    }
    assertNull(src.next());

    // Chunks outside a query's range are not read: with the oldest segment overwritten, only a
    // query that needs one of its chunks fails.
    Path oldest = chunksDir().resolve("000001");
    try (FileChannel ch = FileChannel.open(oldest, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[(int) Files.size(oldest)]), 0);
    }
    assertSamples(one(q, 0, T0 + 1000 * STEP, T0 + 1200 * STEP), 0, 1000, 1201);
    assertThrows(UncheckedIOException.class, () -> one(q, 0, T0, T0 + 10 * STEP));
  }

  @Test
  void replayRebuildsTheChunksOnDisk() throws IOException {
    Recorder wal = new Recorder();
    try (Head written = new Head(100)) {
      fill(new HeadAppender(written, 0), wal, 4, 0, 1000, 7);
    }
    Head h = newHead(8192);
    HeadReplayer r = new HeadReplayer(h);
    wal.replayInto(r);
    r.finish();
    assertEquals(4000, r.samples());
    assertTrue(files(chunksDir()).size() > 2, "several segments: " + files(chunksDir()));
    HeadQuerier q = new HeadQuerier(h);
    for (int s = 0; s < 4; s++) {
      assertSamples(one(q, s, Long.MIN_VALUE, Long.MAX_VALUE), s, 0, 1000);
    }
  }

  @Test
  void truncationReleasesChunksAndDeletesTheirSegments() throws IOException {
    Head h = newHead(4096);
    fill(new HeadAppender(h, 0), new Recorder(), 20, 0, 1200, 100);
    List<String> before = files(chunksDir());
    long bytesBefore = h.chunkDiskBytes();
    assertTrue(before.size() > 10, "segments: " + before);
    MemSeries.Snapshot old = h.series(1).snapshot(h.lock, h.chunks);
    FinishedChunks finished = new FinishedChunks(h.chunks);
    int all = finished.load(old, Long.MIN_VALUE, Long.MAX_VALUE);
    int whollyBefore = 0;
    while (finished.maxTime(whollyBefore) < T0 + 600 * STEP) {
      whollyBefore++;
    }
    assertTrue(whollyBefore > 0 && whollyBefore < all, whollyBefore + " of " + all);

    h.truncate(T0 + 600 * STEP);
    List<String> after = files(chunksDir());
    assertTrue(after.size() < before.size() && !after.contains("000001"), before + " -> " + after);
    assertTrue(h.chunkDiskBytes() < bytesBefore);
    assertEquals(
        before.get(before.size() - 1),
        after.get(after.size() - 1),
        "the segment being written stays");
    HeadQuerier q = new HeadQuerier(h);
    for (int s = 0; s < 20; s++) {
      SeriesData d = one(q, s, T0 + 600 * STEP, Long.MAX_VALUE);
      assertSamples(d, s, 600, 1200);
    }
    MemSeries s0 = h.series(1);
    assertEquals(
        all - whollyBefore,
        finished.load(s0.snapshot(h.lock, h.chunks), Long.MIN_VALUE, Long.MAX_VALUE),
        "the chunks that end before the truncation are dropped, the others kept");

    // A snapshot taken before the truncation still reads its dropped chunks, until the next one.
    RangeSamples rs = new RangeSamples(h.chunks);
    rs.read(old, Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(1200, rs.n);

    fill(new HeadAppender(h, 0), new Recorder(), 20, 1200, 1300, 100);
    h.truncate(T0 + 2000 * STEP); // every series is removed
    assertEquals(0, h.seriesCount());
    assertThrows(UncheckedIOException.class, () -> rs.read(old, Long.MIN_VALUE, Long.MAX_VALUE));
    List<String> last = files(chunksDir());
    assertEquals(1, last.size(), "only the segment being written: " + last);
    assertEquals(Files.size(chunksDir().resolve(last.get(0))), h.chunkDiskBytes());
  }

  @Test
  void readersSeeEveryAcknowledgedSampleExactlyOnce() throws Exception {
    Head h = newHead(64 << 10);
    HeadAppender app = new HeadAppender(h, 0);
    int series = 200;
    int perBatch = 7; // cuts land at different places within batches
    int rounds = 300;
    AtomicInteger acked = new AtomicInteger(); // samples per series acknowledged so far
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger checks = new AtomicInteger();
    HeadQuerier q = new HeadQuerier(h);

    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      boolean export = r == 1;
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!done.get()) {
                    int n = acked.get();
                    if (export && n > 0) {
                      checkExport(h, series, n);
                    } else {
                      checkQuery(q, series, n);
                    }
                    checks.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "reader-" + r);
      t.start();
      readers.add(t);
    }
    Recorder log = new Recorder();
    for (int round = 0; round < rounds && failure.get() == null; round++) {
      fill(app, log, series, round * perBatch, (round + 1) * perBatch, perBatch);
      log.entries.clear();
      acked.set((round + 1) * perBatch);
    }
    done.set(true);
    for (Thread t : readers) {
      t.join(30_000);
    }
    if (failure.get() != null) {
      throw new AssertionError("reader failed", failure.get());
    }
    assertTrue(checks.get() > 0);
    checkQuery(q, series, rounds * perBatch);
    assertTrue(
        new FinishedChunks(h.chunks)
                .load(h.series(1).snapshot(h.lock, h.chunks), Long.MIN_VALUE, Long.MAX_VALUE)
            >= rounds * perBatch / 120 - 1);
    assertTrue(files(chunksDir()).size() > 1);
  }

  /** Every series holds samples 0..m-1 for some m >= acked, each once, in order, exact. */
  private static void checkQuery(HeadQuerier q, int series, int acked) {
    List<SeriesData> all = q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE);
    if (acked > 0) {
      assertEquals(series, all.size());
    }
    for (SeriesData d : all) {
      int s = Integer.parseInt(d.labels().get("s"));
      assertTrue(
          d.sampleCount() >= acked,
          "acknowledged samples seen: " + d.sampleCount() + " < " + acked);
      assertSamples(d, s, 0, d.sampleCount());
    }
  }

  /**
   * The export of [0, acked) holds exactly the acknowledged samples, while later ones are appended.
   */
  private static void checkExport(Head h, int series, int acked) {
    HeadBlockSource src = new HeadBlockSource(h, T0, T0 + acked * STEP);
    int seen = 0;
    for (BlockSeries bs = src.next(); bs != null; bs = src.next()) {
      int s = Integer.parseInt(bs.labels().get("s"));
      int i = 0;
      for (byte[] c : bs.chunks()) {
        XorIterator it = new XorIterator(c, c.length);
        while (it.next()) {
          assertEquals(T0 + i * STEP, it.t());
          assertEquals(bits(s, i), it.valueBits());
          i++;
        }
      }
      assertEquals(acked, i);
      seen++;
    }
    assertEquals(series, seen);
  }
}
