package io.rwgateway.gateway;

import io.rwgateway.proto.prompb.WriteRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle of our PromQL engine over native histograms: a real Prometheus 2.42 with {@code
 * --enable-feature=native-histograms} and an embedded gateway receive the same remote-written
 * integer and float histograms, gauge histograms, mixed float/histogram series and floats ({@link
 * HistogramDiffData}); every query of {@code promql-histogram-corpus.txt} runs on both as instant
 * queries at four times and as range queries with two steps ({@link PromqlDifferential}), and the
 * answers, histograms included, must be the same ({@link PromqlAnswerComparer}).
 *
 * <p>{@code -Dpromql.diff.selfcheck=true} checks the harness instead: "ours" is a second Prometheus
 * fed the same way, which must agree on every query. The test fails, never skips, when {@code
 * prometheus} is not on PATH.
 */
class HistogramPromqlDifferentialTest {
  @TempDir Path dir;

  private final PromqlDiffClient client = new PromqlDiffClient();

  @Test
  void gatewayAnswersHistogramPromqlAsPrometheusDoes() throws Exception {
    boolean selfcheck = Boolean.getBoolean("promql.diff.selfcheck");
    // The data ends at the last whole minute: near "now", so that Prometheus' head takes it.
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    long start = end - HistogramDiffData.WINDOW_MS;
    HistogramDiffData data = new HistogramDiffData(end);
    try (LocalPrometheus reference = startPrometheus(dir.resolve("reference"));
        LocalPrometheus twin = selfcheck ? startPrometheus(dir.resolve("twin")) : null;
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
              selfcheck
                  ? "PromQL histogram differential (selfcheck, Prometheus vs Prometheus): "
                  : "PromQL histogram differential: ",
              !selfcheck,
              "promql-histogram-corpus.txt");
      diff.assertSameSeries(reference.base, gatewayApi, start, end);
      diff.run(reference.base, ours, start, end, "promql-histogram-differential-report.txt");
    }
  }

  private static LocalPrometheus startPrometheus(Path home) throws Exception {
    return LocalPrometheus.start(home, "global: {}\n", "--enable-feature=native-histograms");
  }
}
