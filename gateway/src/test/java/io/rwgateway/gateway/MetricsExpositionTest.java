package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's /metrics: Prometheus' text format unless the scraper asks for the protobuf format,
 * which a Prometheus with native histograms on asks for first, and which carries the native half of
 * the gateway's default (classic and native) histograms.
 */
class MetricsExpositionTest {
  /** What Prometheus 2.42 sends without and with {@code --enable-feature=native-histograms}. */
  private static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  private static final String PROMETHEUS_NATIVE_ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
          + "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  /** Classic and native (client_java's default). */
  private static final String NATIVE = "rwgateway_wal_sync_duration_seconds";

  /** Classic only. */
  private static final String CLASSIC = "rwgateway_wal_append_duration_seconds";

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> scrape(InProcessGateway gw, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.client.apiBase() + "/metrics")).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r;
  }

  @Test
  void textUnlessProtobufIsAskedFor() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir)) {
      for (String accept : new String[] {null, "*/*", PROMETHEUS_ACCEPT}) {
        HttpResponse<byte[]> r = scrape(gw, accept);
        assertEquals(
            "text/plain; version=0.0.4; charset=utf-8",
            r.headers().firstValue("Content-Type").orElse(""),
            "Accept: " + accept);
        String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE " + NATIVE + " histogram\n"), text);
        assertTrue(text.contains(CLASSIC + "_bucket{"), text);
      }

      HttpResponse<byte[]> r = scrape(gw, PROMETHEUS_NATIVE_ACCEPT);
      String type = r.headers().firstValue("Content-Type").orElse("");
      assertTrue(
          type.startsWith("application/vnd.google.protobuf")
              && type.contains("proto=io.prometheus.client.MetricFamily")
              && type.contains("encoding=delimited"),
          type);
      Map<String, Metrics.MetricFamily> families = new TreeMap<>();
      try (InputStream in = new ByteArrayInputStream(r.body())) {
        for (Metrics.MetricFamily f = Metrics.MetricFamily.parseDelimitedFrom(in);
            f != null;
            f = Metrics.MetricFamily.parseDelimitedFrom(in)) {
          families.put(f.getName(), f);
        }
      }
      assertTrue(families.size() > 10, families.keySet().toString());
      Metrics.MetricFamily nativeFamily = families.get(NATIVE);
      assertTrue(nativeFamily != null, families.keySet().toString());
      assertEquals(Metrics.MetricType.HISTOGRAM, nativeFamily.getType());
      Metrics.Histogram h = nativeFamily.getMetric(0).getHistogram();
      assertTrue(h.getZeroThreshold() > 0, "native: " + h); // what Prometheus takes as native
      assertTrue(h.getBucketCount() > 0, "and classic: " + h);
      Metrics.Histogram classic = families.get(CLASSIC).getMetric(0).getHistogram();
      assertEquals(0.0, classic.getZeroThreshold(), classic.toString());
      assertEquals(0, classic.getPositiveSpanCount(), classic.toString());
      assertTrue(classic.getBucketCount() > 0, classic.toString());
    }
  }
}
