package io.rwgateway.gateway;

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
    // The data ends at the last whole minute: near "now", so that Prometheus' head takes it.
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    long start = end - HistogramDiffData.WINDOW_MS;
    HistogramDiffData data = new HistogramDiffData(end);
    PromqlDifferential.againstPrometheus(
        dir,
        client,
        HistogramPromqlDifferentialTest::startPrometheus,
        data.requests(),
        start,
        end,
        "PromQL histogram differential",
        "promql-histogram-corpus.txt",
        "promql-histogram-differential-report.txt");
  }

  private static LocalPrometheus startPrometheus(Path home) throws Exception {
    return LocalPrometheus.start(home, "global: {}\n", "--enable-feature=native-histograms");
  }
}
