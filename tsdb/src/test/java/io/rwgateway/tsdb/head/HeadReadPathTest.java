package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two shortcuts of the head's read path: chunk reads through windows ({@link
 * HeadChunks.ReadBuffer}) give exactly what direct reads give, never bytes the writer had not
 * finished, and still report corruption; the cached label order ({@link LabelSortedRefs}) gives the
 * order a full sort gives as series come and go.
 */
class HeadReadPathTest {
  @TempDir Path tmp;

  private static byte[] chunk(Random r, int i) {
    // Mostly chunk-sized; now and then longer than a window (read directly).
    int len = i % 97 == 5 ? HeadChunks.ReadBuffer.WINDOW_BYTES + 100 : 2 + r.nextInt(400);
    byte[] b = new byte[len];
    r.nextBytes(b);
    return b;
  }

  @Test
  void windowedReadsEqualDirectReadsInAnyOrderAsTheFileGrows() throws IOException {
    Random r = new Random(3);
    try (HeadChunks chunks = HeadChunks.open(tmp.resolve("c"), 1 << 20)) {
      List<byte[]> written = new ArrayList<>();
      List<Long> refs = new ArrayList<>();
      HeadChunks.ReadBuffer rb = new HeadChunks.ReadBuffer();
      int reads = 0;
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 150; i++) {
          byte[] c = chunk(r, written.size());
          written.add(c);
          refs.add(
              chunks.append(
                  c,
                  0,
                  c.length,
                  written.size(),
                  written.size(),
                  HeadChunks.NO_CHUNK,
                  Long.MIN_VALUE));
        }
        chunks.flush();
        // In order (windows are loaded at the end of what was written before), then at random.
        for (int i = Math.max(0, written.size() - 300); i < written.size(); i++) {
          chunks.read(refs.get(i), rb);
          reads++;
          assertArrayEquals(written.get(i), Arrays.copyOf(rb.bytes, rb.length), "chunk " + i);
          assertEquals(i + 1, rb.maxTime);
        }
        for (int k = 0; k < 100; k++) {
          int i = r.nextInt(written.size());
          chunks.read(refs.get(i), rb);
          reads++;
          assertArrayEquals(written.get(i), Arrays.copyOf(rb.bytes, rb.length), "chunk " + i);
        }
      }
      assertTrue(
          rb.windowLoads * 5 < reads, rb.windowLoads + " windows loaded for " + reads + " reads");
    }
  }

  @Test
  void aReaderWhoseWindowsServeLittleReadsDirectly() throws IOException {
    Random r = new Random(5);
    try (HeadChunks chunks = HeadChunks.open(tmp.resolve("c"), 64 << 20)) {
      List<byte[]> written = new ArrayList<>();
      List<Long> refs = new ArrayList<>();
      for (int i = 0; i < 40_000; i++) { // ~8 MB: far more than the windows hold
        byte[] c = new byte[100 + r.nextInt(200)];
        r.nextBytes(c);
        written.add(c);
        refs.add(chunks.append(c, 0, c.length, i, i, HeadChunks.NO_CHUNK, Long.MIN_VALUE));
      }
      chunks.flush();
      HeadChunks.ReadBuffer rb = new HeadChunks.ReadBuffer();
      for (int k = 0; k < 6000; k++) { // no locality: a window serves about one record
        int i = r.nextInt(written.size());
        chunks.read(refs.get(i), rb);
        assertArrayEquals(written.get(i), Arrays.copyOf(rb.bytes, rb.length), "chunk " + i);
      }
      assertTrue(rb.windowLoads <= 64, rb.windowLoads + " windows loaded for 6000 random reads");
      // In file order again after the back-off: windows pay, and are used.
      int loadsBefore = rb.windowLoads;
      for (int i = 0; i < 20_000; i++) {
        chunks.read(refs.get(i), rb);
        assertArrayEquals(written.get(i), Arrays.copyOf(rb.bytes, rb.length), "chunk " + i);
      }
      int loads = rb.windowLoads - loadsBefore;
      assertTrue(loads > 0 && loads < 20_000 / 20, loads + " windows for 20000 reads in order");
    }
  }

  @Test
  void aCorruptRecordIsReportedThroughAWindowToo() throws IOException {
    Path dir = tmp.resolve("c");
    try (HeadChunks chunks = HeadChunks.open(dir, 1 << 20)) {
      List<Long> refs = new ArrayList<>();
      byte[] c = new byte[200];
      for (int i = 0; i < 100; i++) {
        Arrays.fill(c, (byte) i);
        refs.add(chunks.append(c, 0, c.length, i, i, HeadChunks.NO_CHUNK, Long.MIN_VALUE));
      }
      chunks.flush();
      long bad = refs.get(60) & 0xFFFF_FFFFL;
      try (FileChannel ch = FileChannel.open(dir.resolve("000001"), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), bad + HeadChunks.RECORD_HEADER + 50);
      }
      HeadChunks.ReadBuffer rb = new HeadChunks.ReadBuffer();
      for (int i = 0; i < 60; i++) {
        chunks.read(refs.get(i), rb);
      }
      assertTrue(rb.windowLoads > 0, "the corrupt record lies in a window already");
      UncheckedIOException e =
          assertThrows(UncheckedIOException.class, () -> chunks.read(refs.get(60), rb));
      assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
      chunks.read(refs.get(61), rb);
      assertEquals(61, rb.bytes[0]);
    }
  }

  private static void add(Head head, HeadAppender app, List<Labels> series, long t) {
    WriteBatch b = new WriteBatch();
    for (Labels l : series) {
      String[] nv = new String[2 * l.size()];
      for (int i = 0; i < l.size(); i++) {
        nv[2 * i] = l.name(i);
        nv[2 * i + 1] = l.value(i);
      }
      Batches.series(b, nv);
      Batches.samples(b, t, 1.0);
    }
    app.prepare(b, new Recorder());
    app.commit(b);
  }

  private static List<Labels> randomSeries(Random r, int n, String generation) {
    List<Labels> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Labels.of(
              "__name__", "m" + r.nextInt(5),
              "job", r.nextBoolean() ? "a" : "b",
              "id", Integer.toString(r.nextInt(1_000_000), 36) + "-" + generation + i));
    }
    return out;
  }

  private static List<Labels> selected(Head head, Matcher... ms) {
    List<Labels> out = new ArrayList<>();
    try (ChunkQuerier q = head.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      ChunkSeriesSet set = q.select(ms);
      while (set.next()) {
        out.add(set.labels());
      }
    }
    return out;
  }

  private static List<Labels> sorted(List<Labels> all, String job) {
    List<Labels> out = new ArrayList<>();
    for (Labels l : all) {
      if (job == null || l.get("job").equals(job)) {
        out.add(l);
      }
    }
    out.sort(LabelOrder.LABELS);
    return out;
  }

  @Test
  void cachedLabelOrderMatchesAFullSortAsSeriesComeAndGo() {
    Random r = new Random(5);
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 0);
    List<Labels> all = new ArrayList<>(randomSeries(r, 3000, "g0-"));
    long t = 1_000;
    add(head, app, all, t);
    Matcher any = new Matcher(Matcher.Type.RE, "__name__", ".+");
    assertEquals(sorted(all, null), selected(head, any));
    // Served from the cache: every series is in it, and half of them.
    assertEquals(sorted(all, null), selected(head, any));
    assertEquals(sorted(all, "a"), selected(head, Matcher.eq("job", "a")));
    for (int gen = 1; gen <= 6; gen++) {
      // New series (a few, then many: the cache is replaced) between the cached ones.
      List<Labels> fresh = randomSeries(r, gen * 300, "g" + gen + "-");
      all.addAll(fresh);
      t += 1_000;
      add(head, app, all, t);
      assertEquals(sorted(all, null), selected(head, any), "generation " + gen);
      assertEquals(sorted(all, "b"), selected(head, Matcher.eq("job", "b")), "generation " + gen);
    }
    // Truncation removes the series without samples after it: only the newest generation stays.
    List<Labels> last = all.subList(all.size() - 1800, all.size());
    add(head, app, last, t + 1_000);
    head.truncate(t + 1);
    assertEquals(sorted(last, null), selected(head, any));
    assertEquals(sorted(last, "a"), selected(head, Matcher.eq("job", "a")));
  }
}
