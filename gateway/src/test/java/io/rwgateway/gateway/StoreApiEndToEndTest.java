package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Thanos' StoreAPI and Info API on a running gateway's gRPC port, called with a client generated
 * from our copies of Thanos' .proto files, over data written by remote write for two tenants:
 * labels (external and tenant), order, matchers, chunks that decode to exactly what was written,
 * and bad input.
 */
class StoreApiEndToEndTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private ManagedChannel channel;

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static WriteRequest data(String job, int series, int samples) {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (int s = 0; s < series; s++) {
      TimeSeries.Builder ts =
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
              .addLabels(Label.newBuilder().setName("instance").setValue("i" + s))
              .addLabels(Label.newBuilder().setName("job").setValue(job));
      for (int k = 0; k < samples; k++) {
        ts.addSamples(Sample.newBuilder().setTimestamp(T0 + k * 15_000L).setValue(s * 1000 + k));
      }
      b.addTimeseries(ts);
    }
    return b.build();
  }

  private static LabelMatcher m(LabelMatcher.Type t, String name, String value) {
    return LabelMatcher.newBuilder().setType(t).setName(name).setValue(value).build();
  }

  private static String labels(io.rwgateway.proto.thanos.storepb.Series s) {
    StringBuilder sb = new StringBuilder("{");
    s.getLabelsList()
        .forEach(l -> sb.append(l.getName()).append('=').append(l.getValue()).append(','));
    return sb.append('}').toString();
  }

  private InProcessGateway start() throws Exception {
    InProcessGateway gw =
        InProcessGateway.start(
            dir,
            "--label",
            "cluster=\"eu1\"",
            "--label",
            "replica=\"a\"",
            "--store.limits.request-series",
            "1000");
    RemoteWriteClient c = gw.client;
    byte[] a = Snappy.compress(data("api", 3, 300).toByteArray());
    byte[] b = Snappy.compress(data("db", 2, 300).toByteArray());
    assertEquals(
        204, c.post(a, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", "team-a")).statusCode());
    assertEquals(
        204, c.post(b, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", "team-b")).statusCode());
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
    return gw;
  }

  @Test
  @SuppressWarnings("try") // the gateway only has to run while the block does
  void infoSeriesAndLabelsAsThanosQueryAsksForThem() throws Exception {
    try (InProcessGateway gw = start()) {
      InfoResponse info = InfoGrpc.newBlockingStub(channel).info(InfoRequest.getDefaultInstance());
      assertEquals("receive", info.getComponentType());
      assertTrue(info.hasStore());
      assertEquals(T0, info.getStore().getMinTime());
      assertEquals(Long.MAX_VALUE, info.getStore().getMaxTime());
      assertTrue(info.getStore().getSupportsWithoutReplicaLabels());
      List<String> sets = new ArrayList<>();
      for (ZLabelSet set : info.getLabelSetsList()) {
        StringBuilder sb = new StringBuilder();
        set.getLabelsList()
            .forEach(l -> sb.append(l.getName()).append('=').append(l.getValue()).append(' '));
        sets.add(sb.toString().trim());
      }
      assertTrue(sets.contains("cluster=eu1 replica=a tenant_id=team-a"), sets.toString());
      assertTrue(sets.contains("cluster=eu1 replica=a tenant_id=team-b"), sets.toString());

      StoreGrpc.StoreBlockingStub store = StoreGrpc.newBlockingStub(channel);
      Iterator<SeriesResponse> it =
          store.series(
              SeriesRequest.newBuilder()
                  .setMinTime(T0)
                  .setMaxTime(T0 + 3_600_000)
                  .addMatchers(m(LabelMatcher.Type.EQ, "__name__", "up"))
                  .addWithoutReplicaLabels("replica")
                  .build());
      List<String> order = new ArrayList<>();
      while (it.hasNext()) {
        SeriesResponse r = it.next();
        if (!r.hasSeries()) {
          continue;
        }
        io.rwgateway.proto.thanos.storepb.Series s = r.getSeries();
        order.add(labels(s));
        int instance =
            Integer.parseInt(
                s.getLabelsList().stream()
                    .filter(l -> l.getName().equals("instance"))
                    .findFirst()
                    .orElseThrow()
                    .getValue()
                    .substring(1));
        List<long[]> got = new ArrayList<>();
        XorIterator x = new XorIterator();
        long lastMax = Long.MIN_VALUE;
        for (AggrChunk c : s.getChunksList()) {
          assertEquals(Chunk.Encoding.XOR, c.getRaw().getType());
          assertTrue(c.getMinTime() > lastMax, "chunks ascending");
          lastMax = c.getMaxTime();
          byte[] d = c.getRaw().getData().toByteArray();
          assertTrue(d.length >= 2);
          x.reset(d, d.length);
          while (x.next()) {
            // Whole chunks are sent, as Thanos sends them; the reader trims to its range.
            if (x.t() <= T0 + 3_600_000) {
              got.add(new long[] {x.t(), (long) Double.longBitsToDouble(x.valueBits())});
            }
          }
        }
        assertEquals(241, got.size(), "samples of the hour, both ends included");
        for (int k = 0; k < got.size(); k++) {
          assertArrayEquals(new long[] {T0 + k * 15_000L, instance * 1000L + k}, got.get(k));
        }
      }
      assertEquals(
          List.of(
              "{__name__=up,cluster=eu1,instance=i0,job=api,tenant_id=team-a,}",
              "{__name__=up,cluster=eu1,instance=i0,job=db,tenant_id=team-b,}",
              "{__name__=up,cluster=eu1,instance=i1,job=api,tenant_id=team-a,}",
              "{__name__=up,cluster=eu1,instance=i1,job=db,tenant_id=team-b,}",
              "{__name__=up,cluster=eu1,instance=i2,job=api,tenant_id=team-a,}"),
          order);

      // A matcher on the tenant label prunes the other tenant; regexes are anchored.
      Iterator<SeriesResponse> one =
          store.series(
              SeriesRequest.newBuilder()
                  .setMinTime(Long.MIN_VALUE)
                  .setMaxTime(Long.MAX_VALUE)
                  .setSkipChunks(true)
                  .addMatchers(m(LabelMatcher.Type.EQ, "tenant_id", "team-b"))
                  .addMatchers(m(LabelMatcher.Type.RE, "instance", "i"))
                  .build());
      assertTrue(!one.hasNext(), "=~\"i\" is anchored: it matches no instance");

      assertTrue(
          store
              .labelNames(
                  LabelNamesRequest.newBuilder()
                      .setStart(-9223309901257974L)
                      .setEnd(9223309901257974L)
                      .build())
              .getNamesList()
              .containsAll(
                  List.of("__name__", "cluster", "instance", "job", "replica", "tenant_id")));
      assertEquals(
          List.of("api", "db"),
          store
              .labelValues(
                  LabelValuesRequest.newBuilder()
                      .setLabel("job")
                      .setStart(Long.MIN_VALUE)
                      .setEnd(Long.MAX_VALUE)
                      .build())
              .getValuesList());
    }
  }

  @Test
  @SuppressWarnings("try") // the gateway only has to run while the block does
  void badInputGetsClearStatusCodesAndTheServerStaysUp() throws Exception {
    try (InProcessGateway gw = start()) {
      StoreGrpc.StoreBlockingStub store = StoreGrpc.newBlockingStub(channel);
      // No matcher left besides the external label: INVALID_ARGUMENT, as Thanos answers.
      StatusRuntimeException none =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  store
                      .series(
                          SeriesRequest.newBuilder()
                              .setMaxTime(Long.MAX_VALUE)
                              .addMatchers(m(LabelMatcher.Type.EQ, "cluster", "eu1"))
                              .build())
                      .hasNext());
      assertEquals(Status.Code.INVALID_ARGUMENT, none.getStatus().getCode());

      // A 1 MB regex: refused with a reason, not compiled.
      String huge = "(a|b)" + "x".repeat(1 << 20);
      StatusRuntimeException big =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  store
                      .series(
                          SeriesRequest.newBuilder()
                              .setMaxTime(Long.MAX_VALUE)
                              .addMatchers(m(LabelMatcher.Type.RE, "job", huge))
                              .build())
                      .hasNext());
      assertEquals(Status.Code.INVALID_ARGUMENT, big.getStatus().getCode());
      assertTrue(big.getStatus().getDescription().contains("over the limit"), big.getMessage());

      // Thousands of matchers: answered.
      SeriesRequest.Builder many =
          SeriesRequest.newBuilder()
              .setMaxTime(Long.MAX_VALUE)
              .setSkipChunks(true)
              .addMatchers(m(LabelMatcher.Type.EQ, "job", "api"));
      for (int i = 0; i < 5000; i++) {
        many.addMatchers(m(LabelMatcher.Type.NEQ, "instance", "x" + i));
      }
      int n = 0;
      for (Iterator<SeriesResponse> it = store.series(many.build()); it.hasNext(); it.next()) {
        n++;
      }
      assertEquals(3, n);

      // Garbage instead of a SeriesRequest, and a truncated one: an error status, no crash.
      for (byte[] garbage :
          new byte[][] {
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x01},
            Arrays.copyOf(
                SeriesRequest.newBuilder()
                    .addMatchers(m(LabelMatcher.Type.EQ, "job", "api"))
                    .build()
                    .toByteArray(),
                7)
          }) {
        MethodDescriptor<byte[], byte[]> raw =
            MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                .setFullMethodName("thanos.Store/Series")
                .setRequestMarshaller(new Bytes())
                .setResponseMarshaller(new Bytes())
                .build();
        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    ClientCalls.blockingServerStreamingCall(
                            channel, raw, CallOptions.DEFAULT, garbage)
                        .hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertTrue(
            e.getStatus().getDescription().startsWith("malformed thanos.Store/Series request: "),
            e.getStatus().toString());
      }
      // Still serving.
      assertTrue(
          store
              .series(
                  SeriesRequest.newBuilder()
                      .setMaxTime(Long.MAX_VALUE)
                      .addMatchers(m(LabelMatcher.Type.EQ, "job", "db"))
                      .build())
              .hasNext());
    }
  }

  /** Raw bytes in and out, to send what no generated client would. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
