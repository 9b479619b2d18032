package io.rwgateway.gateway;

import io.rwgateway.gateway.PromqlAnswerComparer.Answer;
import io.rwgateway.proto.prompb.WriteRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/**
 * The HTTP both sides of the PromQL differential test are spoken to with. NOTE: instant queries go
 * as GET and range queries as a form POST, so that both ways Prometheus (and Grafana) use are
 * exercised; the parameters are Prometheus': query, time, start, end, step, timeout.
 */
final class PromqlDiffClient {
  static final String TIMEOUT = "30s";

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** One evaluation: instant at {@code time}, or a range when {@code step} is set. */
  record Evaluation(String label, String time, String start, String end, String step) {
    static Evaluation instant(String label, String time) {
      return new Evaluation(label, time, null, null, null);
    }

    static Evaluation range(String label, String start, String end, String step) {
      return new Evaluation(label, null, start, end, step);
    }

    boolean isRange() {
      return step != null;
    }
  }

  Answer query(String base, String query, Evaluation e) throws Exception {
    HttpRequest request;
    if (e.isRange()) {
      String form =
          "query="
              + enc(query)
              + "&start="
              + enc(e.start())
              + "&end="
              + enc(e.end())
              + "&step="
              + enc(e.step())
              + "&timeout="
              + TIMEOUT;
      request =
          HttpRequest.newBuilder(URI.create(base + "/api/v1/query_range"))
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build();
    } else {
      String url =
          base
              + "/api/v1/query?query="
              + enc(query)
              + "&time="
              + enc(e.time())
              + "&timeout="
              + TIMEOUT;
      request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build();
    }
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  /** A GET of an API path (for /api/v1/series); the answer whatever its status. */
  Answer get(String base, String pathAndQuery) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    return new Answer(resp.statusCode(), resp.body());
  }

  /** Remote-write 1.0 (protobuf, snappy); answers the HTTP status. */
  int write(String url, WriteRequest req) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", RemoteWriteClient.V1_TYPE)
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw new AssertionError(url + " refused a write: " + resp.statusCode() + " " + resp.body());
    }
    return resp.statusCode();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
