package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PrometheusClient}'s HTTP API calls against a real Prometheus 2.42. */
class PrometheusClientTest {
  @TempDir static Path home;
  private static LocalPrometheus prometheus;
  private static PrometheusClient client;

  @BeforeAll
  static void start() throws Exception {
    prometheus = LocalPrometheus.start(home);
    // A trailing slash is dropped: every path is appended to the base.
    client =
        new PrometheusClient(URI.create(prometheus.base + "/"), PrometheusHttpConfig.defaults());
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void readyExternalLabelsAndFlags() {
    assertTrue(client.ready());
    assertEquals(prometheus.base, client.url());
    assertEquals(Map.of("cluster", "eu1", "replica", "a"), client.externalLabels());
    assertEquals(List.of("cluster", "replica"), List.copyOf(client.externalLabels().keySet()));
    assertEquals(
        new PrometheusClient.BlockDurations(Duration.ofHours(2), Duration.ofHours(6)),
        client.blockDurations());
    assertEquals("true", client.flags().get("web.enable-remote-write-receiver"));
  }

  @Test
  void labelCallsAnswerWhatPrometheusStores() throws Exception {
    // The only test that writes: before it the TSDB is empty.
    assertEquals(Long.MAX_VALUE, client.lowestTimestamp());
    long end = System.currentTimeMillis() / TestSeries.STEP * TestSeries.STEP;
    List<TestSeries> data =
        List.of(
            new TestSeries(
                Labels.of("__name__", "jobs_done", "job", "a"),
                new long[] {end - 30_000, end},
                new double[] {1, 2}),
            new TestSeries(
                Labels.of("__name__", "jobs_done", "job", "b", "shard", "1"),
                new long[] {end},
                new double[] {5}));
    prometheus.write(TestSeries.writeRequest(data));
    long from = end - 60_000;
    // Prometheus' answers have no external labels: the querier adds them.
    assertEquals(List.of("__name__", "job", "shard"), client.labelNames(List.of(), from, end + 1));
    assertEquals(
        List.of("__name__", "job"),
        client.labelNames(List.of(Matcher.eq("job", "a")), from, end + 1));
    assertEquals(List.of("a", "b"), client.labelValues("job", List.of(), from, end + 1));
    assertEquals(
        List.of("b"),
        client.labelValues(
            "job", List.of(new Matcher(Matcher.Type.RE, "shard", ".+")), from, end + 1));
    // All matchers match "": Prometheus refuses such a selector unless a name matcher is added.
    assertEquals(
        List.of("a"), client.labelValues("job", List.of(Matcher.eq("shard", "")), from, end + 1));
    // A range before the data.
    assertEquals(List.of(), client.labelValues("job", List.of(), from - 600_000, from - 300_000));
    assertEquals(end - 30_000, client.lowestTimestamp());
  }

  @Test
  void a4xxNamesTheUrlStatusAndPrometheusError() {
    PrometheusException e =
        assertThrows(
            PrometheusException.class, () -> client.labelValues("bad-name", List.of(), 0, 1000));
    assertEquals(400, e.status());
    assertTrue(e.isClientError());
    assertFalse(e.isUnreachable());
    assertTrue(e.url().startsWith(prometheus.base + "/api/v1/label/bad-name/values?"), e.url());
    assertTrue(e.getMessage().contains("bad_data: invalid label name"), e.getMessage());
    assertTrue(e.body().contains("\"status\":\"error\""), e.body());
  }

  @Test
  void anUnreachablePrometheusIsItsOwnException() throws Exception {
    String url = "http://127.0.0.1:" + LocalPrometheus.freePort();
    PrometheusClient down = new PrometheusClient(URI.create(url), PrometheusHttpConfig.defaults());
    assertFalse(down.ready());
    PrometheusUnreachableException e =
        assertThrows(PrometheusUnreachableException.class, down::externalLabels);
    assertTrue(e.isUnreachable());
    assertFalse(e.isClientError());
    assertEquals(url + "/api/v1/status/config", e.url());
    assertTrue(e.getMessage().startsWith("Prometheus unreachable at " + url), e.getMessage());
  }

  @Test
  void urlsThatCannotWork() {
    PrometheusHttpConfig d = PrometheusHttpConfig.defaults();
    assertThrows(
        IllegalArgumentException.class, () -> new PrometheusClient(URI.create("ftp://h:1"), d));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PrometheusClient(URI.create("http://u:p@h:1"), d));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PrometheusClient(URI.create("localhost:9090"), d));
    assertEquals(
        "http://h:9090/prom", new PrometheusClient(URI.create("http://h:9090/prom//"), d).url());
  }
}
