package io.rwgateway.sidecar;

import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.acceptance.ChunkQuerierAcceptance;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tsdb's acceptance suite for every {@link ChunkQuerier}, against the sidecar's querier over a
 * real Prometheus 2.42 that was given the suite's data by remote write (6 h, written in time order,
 * so that its head takes every sample). Bare, as the StoreAPI reads it: the suite's labels are the
 * stored ones.
 */
class SidecarChunkQuerierAcceptanceTest extends ChunkQuerierAcceptance {
  @TempDir static Path home;
  private static LocalPrometheus prometheus;
  private static PrometheusChunkQueryable queryable;

  @BeforeAll
  static void start() throws Exception {
    prometheus = LocalPrometheus.start(home);
    // One request per 10 minutes of data, every series' samples of that slice: Prometheus' head
    // refuses samples more than an hour older than the newest it holds.
    long slice = 600_000;
    for (long from = T0; from < END; from += slice) {
      WriteRequest.Builder req = WriteRequest.newBuilder();
      for (Data d : DATA) {
        long[][] s = samples(d);
        TimeSeries.Builder ts = TimeSeries.newBuilder();
        d.labels().forEach((n, v) -> ts.addLabels(Label.newBuilder().setName(n).setValue(v)));
        for (int i = 0; i < s[0].length; i++) {
          if (s[0][i] >= from && s[0][i] < from + slice) {
            ts.addSamples(
                Sample.newBuilder()
                    .setTimestamp(s[0][i])
                    .setValue(Double.longBitsToDouble(s[1][i])));
          }
        }
        if (ts.getSamplesCount() > 0) {
          req.addTimeseries(ts);
        }
      }
      prometheus.write(req.build());
    }
    PrometheusClient client =
        new PrometheusClient(URI.create(prometheus.base), PrometheusHttpConfig.defaults());
    Labels external = Labels.fromMap(client.externalLabels());
    queryable = new PrometheusChunkQueryable(client, () -> external, () -> Long.MAX_VALUE, true);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Override
  protected ChunkQuerier open(long mint, long maxt) {
    return queryable.chunkQuerier(PrometheusChunkQueryable.TENANT, mint, maxt);
  }

  @Override
  protected boolean labelAnswersFollowSamples() {
    return false; // Prometheus' labels API answers for its whole head
  }
}
