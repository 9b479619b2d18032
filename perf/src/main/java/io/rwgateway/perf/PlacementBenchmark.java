package io.rwgateway.perf;

import io.rwgateway.hashring.Endpoint;
import io.rwgateway.hashring.HashmodHashring;
import io.rwgateway.hashring.KetamaHashring;
import io.rwgateway.hashring.SingleHashring;
import io.rwgateway.hashring.TenantPlacer;
import io.rwgateway.model.LabelBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placement of one series on its replicas, as the router will do per series of a request: Thanos'
 * series hash (tenant and label bytes, XXH64) then the owners' lookup in the ring. 1024 distinct
 * series of 8 labels (about 200 bytes) per invocation; scores are per series.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PlacementBenchmark extends BenchmarkBase {
  private static final int SERIES = 1024;

  @Param({"ketama", "hashmod"})
  public String algorithm;

  @Param({"3", "20"})
  public int nodes;

  @Param({"1", "3"})
  public int replicationFactor;

  private final byte[][] labels = new byte[SERIES][];
  private final int[] out = new int[8];
  private final TenantPlacer placer = new TenantPlacer();

  @Setup
  public void setUp() throws Exception {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      endpoints.add(Endpoint.of("receive-" + i + ".receive.monitoring.svc:10901"));
    }
    SingleHashring ring =
        algorithm.equals("ketama")
            ? new KetamaHashring("default", endpoints, replicationFactor)
            : new HashmodHashring("default", endpoints, replicationFactor);
    placer.bind(ring, "team-a");
    for (int s = 0; s < SERIES; s++) {
      labels[s] =
          LabelBytes.encode(
              "__name__",
              "http_requests_total",
              "code",
              Integer.toString(200 + s % 5),
              "handler",
              "/api/v1/query",
              "instance",
              "10.0." + (s / 256) + "." + (s % 256) + ":9090",
              "job",
              "api-server",
              "method",
              "GET",
              "namespace",
              "production",
              "pod",
              "api-" + s);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int owners() {
    int sum = 0;
    for (byte[] l : labels) {
      sum += placer.owners(l, 0, l.length, out);
      sum += out[0];
    }
    return sum;
  }
}
