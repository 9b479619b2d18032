package io.rwgateway.perf;

import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.xerial.snappy.Snappy;

/**
 * A remote-write 1.0 load generator shaped like Prometheus: each request carries {@code --batch}
 * series with one sample each; every round sends every one of {@code --series} active series once,
 * with a new timestamp. Label sets are avalanche-like. Requests of a round are built and compressed
 * before they are timed.
 * <p>
 * Usage: java -cp perf/target/benchmarks.jar io.rwgateway.perf.LoadGen --url http://127.0.0.1:19291/api/v1/receive
 *   [--series 100000] [--batch 2000] [--concurrency 8] [--duration 30] [--rounds 20] [--labels 10] [--tenant t]
 */
public final class LoadGen {
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String url = a.getOrDefault("url", "http://127.0.0.1:19291/api/v1/receive");
    int series = Integer.parseInt(a.getOrDefault("series", "100000"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "2000"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "8"));
    int seconds = Integer.parseInt(a.getOrDefault("duration", "30"));
    int labels = Integer.parseInt(a.getOrDefault("labels", "10"));
    String tenant = a.get("tenant");

    int requestsPerRound = (series + batch - 1) / batch;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    LongAdder samples = new LongAdder();
    LongAdder requests = new LongAdder();
    LongAdder bytes = new LongAdder();
    ConcurrentHashMap<Integer, LongAdder> codes = new ConcurrentHashMap<>();
    long[] latencies = new long[4_000_000];
    AtomicLong latencyCount = new AtomicLong();
    AtomicLong nextRequest = new AtomicLong();
    // NOTE: every round is built and compressed before the clock starts, so the senders only send;
    // the run ends after --rounds rounds or --duration seconds, whichever comes first.
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "20"));
    long baseTs = System.currentTimeMillis() - rounds * 15_000L;
    byte[][][] bodies = new byte[rounds][requestsPerRound][];
    int[][] counts = new int[rounds][requestsPerRound];
    for (int r = 0; r < rounds; r++) {
      for (int q = 0; q < requestsPerRound; q++) {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        for (int s = q * batch; s < Math.min(series, (q + 1) * batch); s++) {
          TimeSeries.Builder ts = TimeSeries.newBuilder();
          ts.addLabels(Label.newBuilder().setName("__name__").setValue("avalanche_metric_" + (s % 100)));
          for (int l = 0; l < labels - 1; l++) {
            ts.addLabels(Label.newBuilder().setName("label_key_" + l).setValue("label_value_" + ((s / 100) % (l + 10)) + "_" + (l == labels - 2 ? s : 0)));
          }
          ts.addSamples(Sample.newBuilder().setTimestamp(baseTs + r * 15_000L).setValue(s + r));
          b.addTimeseries(ts);
          counts[r][q]++;
        }
        bodies[r][q] = Snappy.compress(b.build().toByteArray());
      }
    }
    System.err.printf(Locale.ROOT, "prepared %d requests of %d series (%.1f KB compressed each)%n",
        rounds * requestsPerRound, batch, bodies[0][0].length / 1024.0);
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    Thread[] senders = new Thread[concurrency];
    for (int c = 0; c < concurrency; c++) {
      senders[c] = new Thread(() -> {
        while (System.nanoTime() < end) {
          long n = nextRequest.getAndIncrement();
          if (n / requestsPerRound >= rounds) {
            return;
          }
          int round = (int) (n / requestsPerRound);
          int q = (int) (n % requestsPerRound);
          HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
              .header("X-Prometheus-Remote-Write-Version", "0.1.0")
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[round][q]));
          if (tenant != null) {
            rb.header("THANOS-TENANT", tenant);
          }
          long t0 = System.nanoTime();
          int code;
          try {
            code = http.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
          } catch (IOException | InterruptedException e) {
            code = 0;
          }
          long dt = System.nanoTime() - t0;
          long li = latencyCount.getAndIncrement();
          if (li < latencies.length) {
            latencies[(int) li] = dt;
          }
          codes.computeIfAbsent(code, k -> new LongAdder()).increment();
          requests.increment();
          bytes.add(bodies[round][q].length);
          if (code >= 200 && code < 300) {
            samples.add(counts[round][q]);
          }
        }
      });
      senders[c].start();
    }
    for (Thread t : senders) {
      t.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    int n = (int) Math.min(latencyCount.get(), latencies.length);
    long[] lat = Arrays.copyOf(latencies, n);
    Arrays.sort(lat);
    System.out.printf(Locale.ROOT,
        "{\"samples_per_sec\":%.0f,\"requests_per_sec\":%.1f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
            + "\"samples\":%d,\"requests\":%d,\"bytes\":%d,\"seconds\":%.2f,\"codes\":%s}%n",
        samples.sum() / secs, requests.sum() / secs, pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99),
        n == 0 ? 0 : lat[n - 1] / 1e6, samples.sum(), requests.sum(), bytes.sum(), secs, codes.toString().replace('=', ':'));
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }
}
