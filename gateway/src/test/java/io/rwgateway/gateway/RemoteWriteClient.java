package io.rwgateway.gateway;

import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.xerial.snappy.Snappy;

/** A minimal remote-write / remote-read client for tests, speaking real HTTP to a gateway. */
final class RemoteWriteClient {
  static final String V1_TYPE = "application/x-protobuf";
  static final String V2_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String writeUrl;
  private final String apiBase;

  RemoteWriteClient(int remoteWritePort, int httpPort) {
    this.writeUrl = "http://127.0.0.1:" + remoteWritePort + "/api/v1/receive";
    this.apiBase = "http://127.0.0.1:" + httpPort;
  }

  /**
   * A one-sample-per-series RW 1.0 request: series {__name__=name, i="<k>"} for k in [from, to).
   */
  static WriteRequest request(String name, int from, int to, long t, double v) {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (int k = from; k < to; k++) {
      b.addTimeseries(
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue(name))
              .addLabels(Label.newBuilder().setName("i").setValue(Integer.toString(k)))
              .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v)));
    }
    return b.build();
  }

  HttpResponse<String> write(WriteRequest req) throws IOException, InterruptedException {
    return post(Snappy.compress(req.toByteArray()), V1_TYPE, Map.of());
  }

  HttpResponse<String> post(byte[] body, String contentType, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(writeUrl))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::setHeader);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The HTTP API's base URL (Prometheus API, remote read). */
  String apiBase() {
    return apiBase;
  }

  /** Remote read of everything matching __name__=name in [mint, maxt]. */
  ReadResponse read(String name, long mint, long maxt, Map<String, String> headers)
      throws IOException, InterruptedException {
    ReadRequest rr =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(mint)
                    .setEndTimestampMs(maxt)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.EQ)
                            .setName("__name__")
                            .setValue(name)))
            .build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(apiBase + "/api/v1/read"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(rr.toByteArray())));
    headers.forEach(b::setHeader);
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("remote read answered " + r.statusCode() + ": " + new String(r.body()));
    }
    return ReadResponse.parseFrom(Snappy.uncompress(r.body()));
  }

  HttpResponse<String> get(String pathAndQuery, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(apiBase + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .GET();
    headers.forEach(b::setHeader);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
