package io.rwgateway.gateway;

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
    // The data ends at the last whole minute: near "now", so that Prometheus' head takes it.
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    long start = end - PromqlDiffData.WINDOW_MS;
    PromqlDiffData data = new PromqlDiffData(end);
    PromqlDifferential.againstPrometheus(
        dir,
        client,
        LocalPrometheus::start,
        data.requests(),
        start,
        end,
        "PromQL differential",
        PromqlDifferential.CORPUS,
        "promql-differential-report.txt");
  }
}
