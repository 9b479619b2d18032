package io.rwgateway.ingest.forward;

import static io.rwgateway.ingest.forward.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.RejectReason;
import io.rwgateway.proto.thanos.storepb.WriteRequest;
import io.rwgateway.proto.thanos.storepb.WriteResponse;
import io.rwgateway.proto.thanos.storepb.WriteableStoreGrpc;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ForwardServer called the way a Thanos router calls a peer: the generated blocking stub and
 * generated messages, compressed with Thanos' default framed snappy (and without compression).
 */
class ThanosStubClientTest {
  private final RecordingSink sink = new RecordingSink();
  private ForwardServer server;
  private ManagedChannel channel;
  private WriteableStoreGrpc.WriteableStoreBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    server =
        ForwardServer.start(
            ForwardServerOptions.defaults().withAddress("127.0.0.1", 0),
            sink,
            new ForwardMetrics(new PrometheusRegistry()),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
    compressors.register(SnappyCodec.INSTANCE);
    compressors.register(new Codec.Gzip());
    compressors.register(Codec.Identity.NONE);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .compressorRegistry(compressors)
            .build();
    stub = WriteableStoreGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void generatedStubWritesWithSnappyAndWithoutCompression() throws Exception {
    for (String compression : List.of("snappy", "identity")) {
      WriteRequest req = Fixtures.thanos(Fixtures.series(), "tenant-" + compression, 1);
      WriteResponse resp = stub.withCompression(compression).remoteWrite(req);
      assertNotNull(resp);
      RecordingSink.Write w = sink.next();
      assertEquals("tenant-" + compression, w.tenant());
      assertEquals(1, w.replica());
      assertEquals(4, w.series().size());
      assertEquals(Fixtures.SPECIAL.length + 3, w.sampleT().size());
      assertEquals(Fixtures.STALE_NAN_BITS, (long) w.sampleBits().get(6));
      assertEquals(3, w.histograms());
      assertEquals(4, w.exemplars());
    }
  }

  @Test
  void aThanosRouterSeesThanosStatusCodes() {
    sink.behavior =
        b -> {
          b.reject(RejectReason.DUPLICATE_TIMESTAMP, 1, () -> "duplicate sample for timestamp");
          return CompletableFuture.completedFuture(Status.OK);
        };
    StatusRuntimeException conflict =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.remoteWrite(Fixtures.thanos(Fixtures.series(), "t", 1)));
    assertEquals(
        Status.Code.ALREADY_EXISTS,
        conflict.getStatus().getCode(),
        "Thanos' conflict code: the router answers 409");
    assertEquals(ForwardStatus.CONFLICT, conflict.getTrailers().get(ForwardStatus.REJECT_KIND));

    // Our bad-data rejections are ALREADY_EXISTS too, so a Thanos router drops them instead of
    // retrying forever.
    sink.behavior = b -> CompletableFuture.completedFuture(Status.OK);
    StatusRuntimeException bad =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.remoteWrite(Fixtures.thanos(Fixtures.withInvalid(), "t", 1)));
    assertEquals(Status.Code.ALREADY_EXISTS, bad.getStatus().getCode());
    assertEquals(ForwardStatus.BAD_DATA, bad.getTrailers().get(ForwardStatus.REJECT_KIND));

    sink.behavior =
        b -> CompletableFuture.completedFuture(ForwardStatus.notReady("replaying the WAL"));
    StatusRuntimeException unavailable =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.remoteWrite(Fixtures.thanos(Fixtures.series(), "t", 1)));
    assertEquals(
        Status.Code.UNAVAILABLE,
        unavailable.getStatus().getCode(),
        "the router backs off this peer");
    assertNull(unavailable.getTrailers().get(ForwardStatus.REJECT_KIND));

    StatusRuntimeException tenant =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.remoteWrite(Fixtures.thanos(Fixtures.series(), "../etc", 1)));
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        tenant.getStatus().getCode(),
        "as Thanos answers an invalid tenant");
    assertTrue(tenant.getStatus().getDescription().startsWith("invalid tenant id"));
  }
}
