package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A reader queries while the writer appends: no exception, and what it sees only grows. */
class HeadConcurrencyTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void readerSeesMonotonicConsistentDataWhileTheWriterAppends() throws Exception {
    Head head = new Head(1000);
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    HeadQuerier querier = new HeadQuerier(head);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] reads = new long[1];

    Thread reader =
        new Thread(
            () -> {
              long lastSamples = 0;
              int lastSeries = 0;
              try {
                while (!done.get()) {
                  List<SeriesData> all =
                      querier.select(
                          new Matcher[] {new Matcher(Matcher.Type.RE, "__name__", "m.*")},
                          Long.MIN_VALUE,
                          Long.MAX_VALUE);
                  long samples = 0;
                  for (SeriesData d : all) {
                    for (int i = 1; i < d.sampleCount(); i++) {
                      assertTrue(d.sampleT()[i] > d.sampleT()[i - 1], "samples sorted");
                      assertEquals(
                          (double) (d.sampleT()[i] - T0),
                          d.sampleV()[i],
                          "value matches its timestamp");
                    }
                    samples += d.sampleCount();
                  }
                  assertTrue(samples >= lastSamples, "sample count never shrinks");
                  assertTrue(all.size() >= lastSeries, "series count never shrinks");
                  lastSamples = samples;
                  lastSeries = all.size();
                  querier.labelValues("instance", List.of(), Long.MIN_VALUE, Long.MAX_VALUE);
                  reads[0]++;
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "reader");
    reader.start();

    WriteBatch b = new WriteBatch();
    int rounds = 400;
    for (int round = 0; round < rounds; round++) {
      b.reset();
      int seriesNow = Math.min(500, 50 + round * 2);
      for (int s = 0; s < seriesNow; s++) {
        Batches.series(b, "__name__", "m" + (s % 10), "instance", "i" + s);
        long t = T0 + round * 1000L;
        b.addSample(t, t - T0);
      }
      appender.prepare(b, new Recorder());
      appender.commit(b);
      assertEquals(seriesNow, b.samplesWritten);
    }
    done.set(true);
    reader.join(10_000);
    if (failure.get() != null) {
      throw new AssertionError("reader failed", failure.get());
    }
    assertTrue(reads[0] > 0);
    long total = 0;
    for (SeriesData d : querier.select(new Matcher[0], Long.MIN_VALUE, Long.MAX_VALUE)) {
      total += d.sampleCount();
    }
    long expected = 0;
    for (int round = 0; round < rounds; round++) {
      expected += Math.min(500, 50 + round * 2);
    }
    assertEquals(expected, total);
  }
}
