package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.prompb.Sample;
import io.rwgateway.proto.thanos.prompb.TimeSeries;
import io.rwgateway.proto.thanos.storepb.WriteRequest;
import io.rwgateway.proto.thanos.storepb.WriteableStoreGrpc;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer receiver forwards writes to the gateway the way Thanos Receive does (the generated {@code
 * thanos.WriteableStore} stub over gRPC): they land in the named tenant's WAL and head, and
 * conflicts come back as the code a Thanos router treats as final.
 */
class ForwardIngestTest {
  @TempDir Path dir;

  private static WriteRequest request(String tenant, long t, double v) {
    WriteRequest.Builder b = WriteRequest.newBuilder().setTenant(tenant).setReplica(1);
    for (int k = 0; k < 10; k++) {
      b.addTimeseries(
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue("forwarded"))
              .addLabels(Label.newBuilder().setName("i").setValue(Integer.toString(k)))
              .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v)));
    }
    return b.build();
  }

  @Test
  void forwardedWritesLandInTheTenantAndConflictsAreFinal() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
      try {
        WriteableStoreGrpc.WriteableStoreBlockingStub stub =
            WriteableStoreGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        long t = System.currentTimeMillis();
        stub.remoteWrite(request("team-f", t, 1));
        stub.remoteWrite(request("team-f", t + 1000, 2));

        QueryResult res =
            gw.client
                .read("forwarded", t - 1, t + 2000, Map.of("THANOS-TENANT", "team-f"))
                .getResults(0);
        assertEquals(10, res.getTimeseriesCount());
        assertEquals(2, res.getTimeseries(0).getSamplesCount());
        assertEquals(
            0,
            gw.client
                .read("forwarded", t - 1, t + 2000, Map.of())
                .getResults(0)
                .getTimeseriesCount(),
            "the default tenant saw nothing");

        StatusRuntimeException conflict =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    WriteableStoreGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .remoteWrite(request("team-f", t + 500, 3)));
        assertEquals(Status.Code.ALREADY_EXISTS, conflict.getStatus().getCode());
        assertTrue(
            conflict.getStatus().getDescription().contains("out of order"),
            conflict.getStatus().toString());
        // The node that rejected them counts them, as it does for remote writes over HTTP.
        String metrics = gw.client.get("/metrics", Map.of()).body();
        assertTrue(
            metrics.contains("rwgateway_remote_write_rejected_total{reason=\"out_of_order\"} 10.0"),
            metrics.lines().filter(l -> l.contains("rejected_total")).toList().toString());
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
