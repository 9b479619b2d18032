package io.rwgateway.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A scrape target on loopback serving one client_java latency histogram (classic and native, the
 * default) for a few routes, in whichever exposition format the scraper's Accept header picks the
 * way client_java's own servers pick it: the protobuf format (the only one carrying native
 * histograms) for a Prometheus with native histograms on. Every scrape first adds the next batch of
 * observations from a fixed seed, so the data depends only on how many scrapes there were: integer
 * counts, values from a microsecond to minutes (client_java lowers the schema as the spread grows
 * past its bucket limit), zeros in one route's zero bucket, and a route that stays empty.
 */
final class NativeHistogramTarget implements AutoCloseable {
  static final String METRIC = "rwgw_test_request_duration_seconds";

  /** The routes, each one series; {@link #EMPTY_ROUTE} is never observed. */
  static final List<String> ROUTES =
      List.of("/api/v1/receive", "/api/v1/query", "/api/v1/read", "/-/healthy", "/-/ready");

  static final String EMPTY_ROUTE = "/-/ready";

  private static final String PROTOBUF_TYPE = "application/vnd.google.protobuf";

  private final HttpServer server;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final Histogram latency;
  private final Random random = new Random(4242);
  private final List<Long> protobufScrapes = new ArrayList<>();
  private final List<String> otherScrapes = new ArrayList<>();

  private NativeHistogramTarget() throws IOException {
    latency =
        Histogram.builder()
            .name(METRIC)
            .help("Request latency of a pretend gateway.")
            .labelNames("route")
            .withoutExemplars()
            .register(registry);
    for (String route : ROUTES) {
      latency.labelValues(route); // every series exists from the first scrape on, empty
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", this::scrape);
    server.start();
  }

  static NativeHistogramTarget start() throws IOException {
    return new NativeHistogramTarget();
  }

  /** host:port for a scrape config. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** When each scrape served in the protobuf format was answered (epoch ms), in order. */
  synchronized List<Long> protobufScrapes() {
    return new ArrayList<>(protobufScrapes);
  }

  /** The content types of the scrapes served in another format. */
  synchronized List<String> otherScrapes() {
    return new ArrayList<>(otherScrapes);
  }

  private void scrape(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      String type;
      synchronized (this) {
        observeBatch();
        ExpositionFormatWriter writer =
            formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        body = out.toByteArray();
        type = writer.getContentType();
        if (type.startsWith(PROTOBUF_TYPE)) {
          protobufScrapes.add(System.currentTimeMillis());
        } else {
          otherScrapes.add(type);
        }
      }
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
  }

  /** The next batch: 0 to 24 observations per observed route. */
  private void observeBatch() {
    for (int n = random.nextInt(25); n > 0; n--) { // writes: 100 µs to 100 ms
      latency.labelValues("/api/v1/receive").observe(logUniform(-4, -1));
    }
    for (int n = random.nextInt(25); n > 0; n--) { // queries: 1 ms to 100 s, the widest spread
      latency.labelValues("/api/v1/query").observe(logUniform(-3, 2));
    }
    for (int n = random.nextInt(8); n > 0; n--) { // reads: 10 ms to 10 s, now and then 20 min
      double v = random.nextInt(40) == 0 ? 1200 : logUniform(-2, 1);
      latency.labelValues("/api/v1/read").observe(v);
    }
    for (int n = random.nextInt(6); n > 0; n--) { // health checks: mostly 0, else a microsecond
      double v = random.nextInt(10) < 7 ? 0.0 : logUniform(-6, -5);
      latency.labelValues("/-/healthy").observe(v);
    }
  }

  private double logUniform(int fromExp, int toExp) {
    return Math.pow(10, fromExp + random.nextDouble() * (toExp - fromExp));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
