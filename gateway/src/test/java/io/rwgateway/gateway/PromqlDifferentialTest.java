package io.rwgateway.gateway;

import io.rwgateway.proto.prompb.WriteRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle of our PromQL engine: a real Prometheus 2.42 and an embedded gateway receive the same
 * remote-written samples ({@link PromqlDiffData}), every query of {@code
 * promql-differential-corpus.txt} runs on both as instant queries at four times and as range
 * queries with two steps, and the answers must be the same ({@link PromqlAnswerComparer}). All
 * differences are gathered and reported together, with a count of identical queries.
 *
 * <p>{@code -Dpromql.diff.selfcheck=true} checks the harness instead: "ours" is a second Prometheus
 * fed the same way, which must agree on every query. The test fails, never skips, when {@code
 * prometheus} is not on PATH: a skipped oracle would let every difference through.
 */
class PromqlDifferentialTest {
  @TempDir Path dir;

  private final PromqlDiffClient client = new PromqlDiffClient();

  @Test
  void gatewayAnswersPromqlAsPrometheusDoes() throws Exception {
    boolean selfcheck = Boolean.getBoolean("promql.diff.selfcheck");
    // The data ends at the last whole minute: near "now", so that Prometheus' head takes it.
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    long start = end - PromqlDiffData.WINDOW_MS;
    PromqlDiffData data = new PromqlDiffData(end);
    try (LocalPrometheus reference = LocalPrometheus.start(dir.resolve("reference"));
        LocalPrometheus twin = selfcheck ? LocalPrometheus.start(dir.resolve("twin")) : null;
        InProcessGateway gateway = InProcessGateway.start(dir.resolve("gateway"))) {
      reference.awaitReady(client.http, 60_000);
      if (twin != null) {
        twin.awaitReady(client.http, 60_000);
      }
      String gatewayWrite = "http://127.0.0.1:" + gateway.remoteWritePort() + "/api/v1/receive";
      String gatewayApi = "http://127.0.0.1:" + gateway.httpPort();
      for (WriteRequest req : data.requests()) {
        client.write(reference.writeUrl(), req);
        client.write(gatewayWrite, req);
        if (twin != null) {
          client.write(twin.writeUrl(), req);
        }
      }
      String ours = twin != null ? twin.base : gatewayApi;
      PromqlDifferential diff =
          new PromqlDifferential(
              client,
              selfcheck ? "PromQL differential (selfcheck, Prometheus vs Prometheus): " : "",
              !selfcheck);
      // The series API exists today: the same series in both, or no query can agree.
      diff.assertSameSeries(reference.base, gatewayApi, start, end);
      diff.run(reference.base, ours, start, end, "promql-differential-report.txt");
    }
  }
}
