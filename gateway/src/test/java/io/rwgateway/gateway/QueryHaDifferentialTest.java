package io.rwgateway.gateway;

import io.rwgateway.proto.prompb.WriteRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query role's deduplication against the PromQL oracle: two receivers hold the differential
 * data as HA replicas (external labels {@code replica="a"} and {@code "b"}), replica b misses one
 * minute of it, and a query node over both answers every query of the differential corpus exactly
 * as a real Prometheus 2.42 holding one complete copy: no duplicate (a doubled sample changes
 * {@code count_over_time}, {@code rate}, ...) and no gap.
 *
 * <p>Replica a is read first (replicas are ordered by their external labels) and is complete, so
 * the merge never needs b. The case where the replica read first has the gap is covered with exact
 * expectations in {@code query}'s ProxyDedupTest: Thanos' penalty rule then skips up to two scrape
 * intervals of the other replica after the gap starts, which no complete copy shows.
 */
class QueryHaDifferentialTest {
  @TempDir Path dir;

  private final PromqlDiffClient client = new PromqlDiffClient();

  @Test
  void deduplicatedReplicasAnswerAsOneCompletePrometheus() throws Exception {
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    run(
        new PromqlDiffData(end).requests(),
        end - PromqlDiffData.WINDOW_MS,
        end,
        LocalPrometheus.start(dir.resolve("reference")),
        new PromqlDifferential(
            client, "Query over two HA replicas (one missing a minute) vs Prometheus: ", true),
        "query-ha-differential-report.txt");
  }

  /** The same over native histograms: their chunks are merged and cut again by the proxy. */
  @Test
  void deduplicatedHistogramReplicasAnswerAsOneCompletePrometheus() throws Exception {
    long end = System.currentTimeMillis() / 60_000 * 60_000;
    run(
        new HistogramDiffData(end).requests(),
        end - HistogramDiffData.WINDOW_MS,
        end,
        LocalPrometheus.start(
            dir.resolve("reference"), "global: {}\n", "--enable-feature=native-histograms"),
        new PromqlDifferential(
            client,
            "Query over two HA replicas of native histograms vs Prometheus: ",
            true,
            "promql-histogram-corpus.txt"),
        "query-ha-histogram-differential-report.txt");
  }

  private void run(
      List<WriteRequest> requests,
      long start,
      long end,
      LocalPrometheus prometheus,
      PromqlDifferential diff,
      String report)
      throws Exception {
    int missing = requests.size() / 2;
    try (LocalPrometheus reference = prometheus;
        InProcessGateway a = InProcessGateway.start(dir.resolve("a"), "--label", "replica=\"a\"");
        InProcessGateway b = InProcessGateway.start(dir.resolve("b"), "--label", "replica=\"b\"")) {
      reference.awaitReady(client.http, 60_000);
      for (int i = 0; i < requests.size(); i++) {
        client.write(reference.writeUrl(), requests.get(i));
        client.write(a.remoteWriteUrl(), requests.get(i));
        if (i != missing) {
          client.write(b.remoteWriteUrl(), requests.get(i));
        }
      }
      // NOTE: a receiver's series also carry its tenant's label (tenant_id); naming it a replica
      // label too leaves it out of the answers, as the reference has no such label.
      try (InProcessQuery query =
          InProcessQuery.start(
              "--endpoint=127.0.0.1:" + a.server.grpcPort(),
              "--endpoint=127.0.0.1:" + b.server.grpcPort(),
              "--query.replica-label=replica",
              "--query.replica-label=tenant_id")) {
        query.awaitEndpoints(2);
        diff.assertSameSeries(reference.base, query.base(), start, end);
        diff.run(reference.base, query.base(), start, end, report);
      }
    }
  }
}
