package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.db.EncoderVisitor;
import io.rwgateway.wal.RecordEncoder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Series looked up ahead of the writer (Head.resolve) on another thread. */
class SeriesResolveTest {
  private static final long T0 = 1_700_000_000_000L;

  private static WriteBatch batch(int from, int to, long t) {
    WriteBatch b = new WriteBatch();
    b.tenant = "t";
    for (int s = from; s < to; s++) {
      Batches.series(b, "__name__", "m", "s", Integer.toString(s));
      Batches.samples(b, t, s);
    }
    return b;
  }

  private static void append(HeadAppender a, WriteBatch b) {
    RecordEncoder enc = new RecordEncoder();
    a.prepare(b, new EncoderVisitor(enc));
    a.commit(b);
  }

  @Test
  void hintsAreUsedAndGiveTheSameResult() {
    Head head = new Head(10);
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    append(appender, batch(0, 100, T0));
    WriteBatch next = batch(50, 150, T0 + 1000);
    head.resolve(next);
    for (int i = 0; i < 50; i++) {
      MemSeries s = (MemSeries) next.seriesHint[i];
      assertArrayEquals(
          LabelBytes.encode("__name__", "m", "s", Integer.toString(50 + i)), head.labelBytes(s));
    }
    for (int i = 50; i < 100; i++) {
      assertNull(next.seriesHint[i], "series 100..149 are new");
    }
    append(appender, next);
    assertEquals(100, next.samplesWritten);
    assertEquals(150, head.seriesCount());
    // A reused batch forgets old hints.
    next.reset();
    Batches.series(next, Labels.of("__name__", "m", "s", "0"));
    assertNull(next.seriesHint[0]);
  }

  @Test
  void resolvingWhileTheWriterGrowsTheMapNeverReturnsAWrongSeries() throws Exception {
    Head head = new Head(10);
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int total = 200_000;
    Thread resolver =
        new Thread(
            () -> {
              try {
                int round = 0;
                while (!done.get()) {
                  int from = (round * 997) % total;
                  WriteBatch b = batch(from, Math.min(total, from + 500), T0);
                  head.resolve(b);
                  for (int i = 0; i < b.seriesCount; i++) {
                    MemSeries s = (MemSeries) b.seriesHint[i];
                    byte[] l = s == null ? null : head.labelBytes(s);
                    if (s != null
                        && !Arrays.equals(
                            l,
                            0,
                            l.length,
                            b.bytes,
                            b.seriesLabelsOff[i],
                            b.seriesLabelsOff[i] + b.seriesLabelsLen[i])) {
                      throw new AssertionError("hint for entry " + i + " has other labels");
                    }
                  }
                  round++;
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    resolver.start();
    for (int from = 0; from < total; from += 1000) {
      append(appender, batch(from, from + 1000, T0));
    }
    done.set(true);
    resolver.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    WriteBatch all = batch(0, total, T0 + 1);
    head.resolve(all);
    for (int i = 0; i < total; i++) {
      assertSame(
          head.lookup(all.seriesHash[i], all.bytes, all.seriesLabelsOff[i], all.seriesLabelsLen[i]),
          all.seriesHint[i]);
    }
  }
}
