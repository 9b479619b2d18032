package io.rwgateway.perf.query;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The benchmark's HTTP calls: remote write and the query API, over keep-alive HTTP/1.1.
 *
 * <p>NOTE: no Accept-Encoding header is sent, so both receivers answer plain JSON and neither
 * spends time compressing what the other does not.
 */
final class Http {
  /** A query's answer and how long it took, from sending the request to the last body byte. */
  record Timed(int status, byte[] body, long nanos) {}

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Posts a snappy-compressed remote-write 1.0 body; retries 5xx answers a few times. */
  void write(URI url, byte[] body) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(url)
                  .header("Content-Type", "application/x-protobuf")
                  .header("Content-Encoding", "snappy")
                  .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 == 2) {
        return;
      }
      // A 4xx (e.g. Prometheus' "out of bounds" for too old samples) will not get better.
      if (r.statusCode() / 100 != 5 || attempt == 5) {
        throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      Thread.sleep(100L * attempt);
    }
  }

  /** GET {@code base + path} with the parameters URL-encoded. */
  Timed get(URI base, String path, Map<String, String> params)
      throws IOException, InterruptedException {
    StringJoiner q = new StringJoiner("&");
    params.forEach(
        (k, v) ->
            q.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path + "?" + q))
            .timeout(Duration.ofMinutes(5))
            .GET()
            .build();
    long start = System.nanoTime();
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Timed(r.statusCode(), r.body(), System.nanoTime() - start);
  }
}
