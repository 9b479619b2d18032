package io.rwgateway.perf;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.Executors;

/**
 * A scrape target with native histograms only: {@code --series N} label sets of one client_java
 * {@code Histogram} ({@code http_request_duration_seconds{handler, code}}, native buckets only,
 * schema 3 at most), each observing latency-like values at {@code --rate R} observations per second
 * in total, spread evenly over the series: log-normal with sigma 0.2 around a median of 20 to 300
 * ms depending on the series, and a quarter of the observations ten times slower (a cache miss),
 * the distribution of {@link HistogramAppendBenchmark}, so about 30 buckets in two or more spans.
 * Serves {@code /metrics} on 127.0.0.1 in the format the scraper asks for: Prometheus with {@code
 * --enable-feature=native-histograms} asks for the protobuf exposition format, the only one that
 * carries native histograms.
 *
 * <p>{@code java -cp perf/target/benchmarks.jar io.rwgateway.perf.HistogramTarget --port P
 * [--series 300] [--rate 3000] [--seed 1]}
 */
public final class HistogramTarget {
  private HistogramTarget() {}

  public static void main(String[] args) throws IOException {
    int port = 0;
    int series = 300;
    int rate = 3000;
    long seed = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--series" -> series = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    Histogram h =
        Histogram.builder()
            .name("http_request_duration_seconds")
            .help("Request latency (synthetic, log-normal).")
            .labelNames("handler", "code")
            .nativeOnly()
            .nativeInitialSchema(3)
            .register(registry);
    String[] codes = {"200", "201", "204", "400", "500"};
    DistributionDataPoint[] points = new DistributionDataPoint[series];
    double[] mu = new double[series];
    for (int s = 0; s < series; s++) {
      points[s] = h.labelValues("/api/v1/r" + s / codes.length, codes[s % codes.length]);
      mu[s] = Math.log(0.02 * (1 + s % 15));
    }

    ExpositionFormats formats = ExpositionFormats.init();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext(
        "/metrics",
        ex -> {
          ExpositionFormatWriter w = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
          ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
          w.write(body, registry.scrape());
          ex.getResponseHeaders().set("Content-Type", w.getContentType());
          ex.sendResponseHeaders(200, body.size());
          try (OutputStream out = ex.getResponseBody()) {
            body.writeTo(out);
          }
        });
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
    System.err.println("HistogramTarget: http://127.0.0.1:" + server.getAddress().getPort());

    // Every 10 ms, rate / 100 observations round robin over the series (the fraction carried on).
    Random r = new Random(seed);
    int next = 0;
    double owed = 0;
    long tick = System.nanoTime();
    while (true) {
      owed += rate / 100.0;
      for (; owed >= 1; owed--) {
        double m = r.nextInt(4) == 0 ? mu[next] + Math.log(10) : mu[next];
        points[next].observe(Math.exp(m + 0.2 * r.nextGaussian()));
        next = next + 1 == series ? 0 : next + 1;
      }
      tick += 10_000_000L;
      long sleep = tick - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
