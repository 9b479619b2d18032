package io.rwgateway.queryapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.tsdb.db.TsdbReader;
import io.rwgateway.wal.WalOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StoreAPI {@code Series} over a real TSDB whose native histograms are all still in the head (no
 * block cut yet): they come back as HISTOGRAM and FLOAT_HISTOGRAM chunks that decode to what was
 * written.
 */
class StoreSeriesHeadHistogramTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000;

  @TempDir Path dir;

  private static void series(WriteBatch b, String name) {
    byte[] l = LabelBytes.encode(new String[] {"__name__", name});
    int off = b.reserveBytes(l.length);
    System.arraycopy(l, 0, b.bytes, off, l.length);
    b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
  }

  private static void histogram(WriteBatch b, long t, byte[] proto) {
    int off = b.reserveBytes(proto.length);
    System.arraycopy(proto, 0, b.bytes, off, proto.length);
    b.addHistogram(t, off, proto.length);
  }

  private static Histogram hist(int k) {
    Histogram h = new Histogram().schema(0);
    h.positive().setAbsolute(new int[] {0, 1}, new long[] {k + 1, 2L * k + 1}, 2);
    return h.count(3L * k + 2).sum(k * 1.5);
  }

  private static FloatHistogram floatHist(int k) {
    FloatHistogram h = new FloatHistogram().schema(0);
    h.positive().setAbsolute(new int[] {0, 1}, new double[] {k + 0.5, k + 1.25}, 2);
    return h.count(2 * k + 1.75).sum(k * 2.5);
  }

  @Test
  void headHistogramsComeBackAsHistogramChunks() throws Exception {
    TsdbOptions options =
        new TsdbOptions(dir, WalOptions.defaults(), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(3_600_000L);
    try (Tsdb tsdb = Tsdb.open(options, null)) {
      WriteBatch b = new WriteBatch();
      b.tenant = "t";
      series(b, "h");
      for (int k = 0; k < 30; k++) {
        histogram(b, T0 + k * STEP, HistogramProto.encode(T0 + k * STEP, hist(k)));
      }
      series(b, "fh");
      for (int k = 0; k < 20; k++) {
        histogram(b, T0 + k * STEP, HistogramProto.encode(T0 + k * STEP, floatHist(k)));
      }
      tsdb.tenant("t").append(b);
      assertNull(b.failure);
      assertTrue(tsdb.tenant("t").blocks().isEmpty(), "all in the head");

      StoreApi api =
          new StoreApi(new TsdbReader(tsdb), () -> true, Fixture.OPTIONS, new PrometheusRegistry());
      NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
      for (var d : api.definitions()) {
        sb.addService(d);
      }
      Server server = sb.build().start();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      try {
        StoreGrpc.StoreBlockingStub stub =
            StoreGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        List<Series> got =
            Fixture.series(stub, Fixture.req(Fixture.re("__name__", "h|fh")).build()).series();
        assertEquals(2, got.size());
        // "fh" sorts before "h".
        List<String> fh = new ArrayList<>();
        for (AggrChunk c : got.get(0).getChunksList()) {
          assertEquals(Chunk.Encoding.FLOAT_HISTOGRAM, c.getRaw().getType());
          byte[] data = c.getRaw().getData().toByteArray();
          FloatHistogramChunkIterator it = new FloatHistogramChunkIterator(data);
          while (it.next()) {
            fh.add(it.t() + " " + it.histogram().count() + " " + it.histogram().sum());
          }
        }
        List<String> h = new ArrayList<>();
        for (AggrChunk c : got.get(1).getChunksList()) {
          assertEquals(Chunk.Encoding.HISTOGRAM, c.getRaw().getType());
          assertEquals(T0, c.getMinTime());
          assertEquals(T0 + 29 * STEP, c.getMaxTime());
          byte[] data = c.getRaw().getData().toByteArray();
          HistogramChunkIterator it = new HistogramChunkIterator(data);
          while (it.next()) {
            h.add(it.t() + " " + it.histogram().count() + " " + it.histogram().sum());
          }
        }
        List<String> wantFh = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
          wantFh.add((T0 + k * STEP) + " " + floatHist(k).count() + " " + floatHist(k).sum());
        }
        List<String> wantH = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
          wantH.add((T0 + k * STEP) + " " + hist(k).count() + " " + hist(k).sum());
        }
        assertEquals(wantFh, fh);
        assertEquals(wantH, h);
      } finally {
        channel.shutdownNow();
        server.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
