package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.OPTIONS;
import static io.rwgateway.queryapi.store.Fixture.assertStatus;
import static io.rwgateway.queryapi.store.Fixture.eq;
import static io.rwgateway.queryapi.store.Fixture.re;
import static io.rwgateway.queryapi.store.Fixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StoreLimitsAndStreamingTest extends ServerTestBase {
  /** 7 series with 28 samples in all (Fixture.twoTenants). */
  private static final int ALL_SERIES = 7;

  private static final int ALL_SAMPLES = 28;

  private StoreGrpc.StoreBlockingStub stub(long maxSeries, long maxSamples) {
    return start(Fixture.twoTenants(), OPTIONS.withLimits(maxSeries, maxSamples)).store();
  }

  @Test
  void seriesLimitFailsTheCallWithResourceExhausted() {
    StoreGrpc.StoreBlockingStub s = stub(3, 0);
    assertEquals(
        "failed to send series: limit 3 violated (got 4)",
        assertStatus(
                Status.Code.RESOURCE_EXHAUSTED,
                () -> Fixture.series(s, req(re("__name__", ".+")).build()))
            .getStatus()
            .getDescription());
    // At the limit is fine, and the request's own limit is applied first.
    assertEquals(
        3, Fixture.series(s, req(eq("__name__", "up"), eq("job", "api")).build()).series().size());
    assertEquals(
        3, Fixture.series(s, req(re("__name__", ".+")).setLimit(3).build()).series().size());
  }

  @Test
  void samplesLimitCountsTheChunkHeaders() {
    assertEquals(
        "failed to send samples: limit "
            + (ALL_SAMPLES - 1)
            + " violated (got "
            + ALL_SAMPLES
            + ")",
        assertStatus(
                Status.Code.RESOURCE_EXHAUSTED,
                () -> Fixture.series(stub(0, ALL_SAMPLES - 1), req(re("__name__", ".+")).build()))
            .getStatus()
            .getDescription());
    assertEquals(
        ALL_SERIES,
        Fixture.series(stub(0, ALL_SAMPLES), req(re("__name__", ".+")).build()).series().size());
    // Without chunks no samples are sent.
    assertEquals(
        ALL_SERIES,
        Fixture.series(stub(0, 1), req(re("__name__", ".+")).setSkipChunks(true).build())
            .series()
            .size());
  }

  /** About {@code bytes} of XOR chunks: random value bits make every sample take ~8.6 bytes. */
  private static void addBigSeries(FakeChunkStore d, Labels labels, int bytes, long seed) {
    int n = bytes / 8;
    long[] t = new long[n];
    double[] v = new double[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      t[i] = 1_000L * i;
      v[i] = Double.longBitsToDouble(r.nextLong());
    }
    d.add("t", labels, t, v, 120);
  }

  @Test
  void aThreeMebibyteSeriesIsSplitIntoFramesOfAboutOneMebibyte() {
    FakeChunkStore d = new FakeChunkStore();
    addBigSeries(d, Labels.of("__name__", "big"), 3 << 20, 1);
    Fixture.add(d, "t", Labels.of("__name__", "small"), 0, 10, 3);
    Fixture.Answer a = Fixture.series(start(d, OPTIONS).store(), req(re("__name__", ".+")).build());
    assertEquals(2, a.series().size());
    List<SeriesResponse> bigFrames = new ArrayList<>();
    for (SeriesResponse f : a.frames()) {
      if (Fixture.Answer.labels(f.getSeries()).get("__name__").equals("big")) {
        bigFrames.add(f);
      }
    }
    assertTrue(bigFrames.size() >= 3, "frames: " + bigFrames.size());
    long bytes = 0;
    for (int i = 0; i < bigFrames.size(); i++) {
      SeriesResponse f = bigFrames.get(i);
      int size = f.getSerializedSize();
      assertTrue(size <= StoreApiOptions.DEFAULT_FRAME_BYTES + 16, "frame of " + size + " bytes");
      if (i < bigFrames.size() - 1) {
        assertTrue(size > StoreApiOptions.DEFAULT_FRAME_BYTES - 4096, "a full frame: " + size);
      }
      assertTrue(f.getSeries().getChunksCount() > 0);
      bytes += size;
    }
    assertTrue(bytes > 3 << 20, "the series is really 3 MiB: " + bytes);
    // The frames' chunks together decode to every sample, in order.
    int n = (3 << 20) / 8;
    List<long[]> samples = Fixture.samples(a.series().get(0));
    assertEquals(n, samples.size());
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < n; i++) {
      assertEquals(1_000L * i, samples.get(i)[0]);
      assertEquals(r.nextLong(), samples.get(i)[1]);
    }
  }

  @Test
  void aSlowReaderHoldsBackReadingAndCancellingReleasesTheQuerier() throws Exception {
    FakeChunkStore d = new FakeChunkStore();
    int seriesCount = 8;
    for (int i = 0; i < seriesCount; i++) {
      addBigSeries(d, Labels.of("__name__", "big", "i", Integer.toString(i)), 3 << 19, i);
    }
    long totalChunks = 0;
    for (int i = 0; i < seriesCount; i++) {
      totalChunks += ((3 << 19) / 8 + 119) / 120;
    }
    StoreApiServer server = start(d, OPTIONS);
    StoreGrpc.StoreBlockingStub stub = server.store();
    Context.CancellableContext ctx = Context.current().withCancellation();
    Iterator<SeriesResponse> it = ctx.call(() -> stub.series(req(eq("__name__", "big")).build()));
    assertTrue(it.hasNext());
    it.next();
    Thread.sleep(300);
    assertEquals(1, d.open.get(), "mid-stream: the querier is open");
    assertTrue(
        d.byteReads.get() < totalChunks,
        "flow control: not everything read ahead ("
            + d.byteReads.get()
            + " of "
            + totalChunks
            + ")");
    ctx.cancel(null);
    awaitNoOpenQueriers(d);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (Scrape.counter(
                server.registry,
                "rwgateway_storeapi_requests",
                "method",
                "Series",
                "code",
                "CANCELLED")
            == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(
        1.0,
        Scrape.counter(
            server.registry,
            "rwgateway_storeapi_requests",
            "method",
            "Series",
            "code",
            "CANCELLED"));
  }
}
