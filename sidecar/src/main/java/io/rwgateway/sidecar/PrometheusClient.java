package io.rwgateway.sidecar;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.PromDuration;
import io.rwgateway.proto.prompb.ReadRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * One Prometheus, through its HTTP API and remote read: what a sidecar asks of the Prometheus next
 * to it. HTTP/1.1 (as Thanos, which keeps HTTP/2 off towards Prometheus), credentials and TLS from
 * {@link PrometheusHttpConfig}. Thread-safe; one instance serves all calls.
 *
 * <p>Every failed call throws {@link PrometheusException} naming the URL, with the status and body
 * Prometheus answered, or {@link PrometheusUnreachableException} when no answer came.
 */
public final class PrometheusClient {
  /** Thanos' default {@code --prometheus.url}. */
  public static final URI DEFAULT_URL = URI.create("http://localhost:9090");

  static final String USER_AGENT = "rwgateway-sidecar";

  /** Prometheus' API parses times beyond about ±31,000 years badly; such bounds are left out. */
  private static final long MAX_API_MILLIS = 1_000_000_000_000_000L;

  /** How much of an error body is kept for the exception. */
  private static final int ERROR_BODY_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base; // scheme://host:port/prefix, without a trailing slash
  private final PrometheusHttpConfig config;
  private final HttpClient http;

  /** Prometheus' startup flags that fix its block length (as Thanos reads them). */
  public record BlockDurations(Duration min, Duration max) {}

  /**
   * @param url Prometheus' base URL ({@code --prometheus.url}), http or https, maybe with a path
   *     prefix ({@code http://host:9090/prometheus}) for a Prometheus behind {@code
   *     --web.route-prefix}
   * @throws IllegalArgumentException for a URL that is not http(s) with a host, or TLS files that
   *     cannot be used
   */
  public PrometheusClient(URI url, PrometheusHttpConfig config) {
    String scheme = url.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--prometheus.url must be an http:// or https:// URL with a host, got: " + url);
    }
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "--prometheus.url must not carry credentials, a query or a fragment (use"
              + " --prometheus.http-client for credentials): "
              + url.getScheme()
              + "://"
              + url.getHost());
    }
    String s = url.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    this.base = s;
    this.config = config;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.dialTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (scheme.equals("https")) {
      b.sslContext(HttpTls.context(config.tls()));
    }
    this.http = b.build();
  }

  /** The base URL, without a trailing slash. */
  public String url() {
    return base;
  }

  /** Whether {@code /-/ready} answers 200 (false too when Prometheus cannot be reached). */
  public boolean ready() {
    URI uri = URI.create(base + "/-/ready");
    try {
      HttpResponse<Void> r =
          http.send(request(uri).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException | PrometheusException e) {
      return false; // unreachable, or a credentials file that cannot be read
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code global.external_labels} of the configuration Prometheus runs now (from {@code
   * /api/v1/status/config}), sorted by name in UTF-8 order; empty when it has none.
   */
  public SortedMap<String, String> externalLabels() {
    URI uri = URI.create(base + "/api/v1/status/config");
    JsonNode data = getData(uri);
    JsonNode yaml = data.get("yaml");
    if (yaml == null || !yaml.isTextual()) {
      throw PrometheusException.badAnswer(uri.toString(), "no data.yaml in the answer", null);
    }
    JsonNode cfg;
    try {
      cfg = new YAMLMapper().readTree(yaml.textValue());
    } catch (JacksonException e) {
      throw PrometheusException.badAnswer(uri.toString(), "data.yaml is not YAML", e);
    }
    TreeMap<String, String> out = new TreeMap<>(LabelOrder.UTF8);
    JsonNode labels = cfg == null ? null : cfg.path("global").get("external_labels");
    if (labels != null && labels.isObject()) {
      labels.forEachEntry((k, v) -> out.put(k, v.asText()));
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** Prometheus' command-line flags as it reports them ({@code /api/v1/status/flags}). */
  public Map<String, String> flags() {
    URI uri = URI.create(base + "/api/v1/status/flags");
    JsonNode data = getData(uri);
    if (!data.isObject()) {
      throw PrometheusException.badAnswer(uri.toString(), "data is not an object", null);
    }
    TreeMap<String, String> out = new TreeMap<>();
    data.forEachEntry((k, v) -> out.put(k, v.asText()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * {@code storage.tsdb.min-block-duration} and {@code storage.tsdb.max-block-duration}. A sidecar
   * that uploads blocks needs them equal (Prometheus' compaction off), as Thanos checks.
   */
  public BlockDurations blockDurations() {
    Map<String, String> flags = flags();
    return new BlockDurations(
        duration(flags, "storage.tsdb.min-block-duration"),
        duration(flags, "storage.tsdb.max-block-duration"));
  }

  private Duration duration(Map<String, String> flags, String name) {
    String text = flags.get(name);
    Duration d = text == null ? null : PromDuration.parse(text);
    if (d == null) {
      throw PrometheusException.badAnswer(
          base + "/api/v1/status/flags",
          text == null
              ? "no flag " + name + " (a Prometheus in agent mode has no TSDB)"
              : "flag " + name + "=" + text + " is not a duration",
          null);
    }
    return d;
  }

  /**
   * Time (ms) of the oldest sample Prometheus' TSDB holds (its gauge {@code
   * prometheus_tsdb_lowest_timestamp} on {@code /metrics}, which Thanos' sidecar also reads), or
   * {@link Long#MAX_VALUE} when it holds none.
   */
  public long lowestTimestamp() {
    URI uri = URI.create(base + "/metrics");
    HttpResponse<InputStream> r = send(request(uri).GET().build(), uri);
    try (InputStream in = r.body()) {
      checkStatus(uri, r.statusCode(), in);
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String prefix = "prometheus_tsdb_lowest_timestamp ";
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith(prefix)) {
          double v = Double.parseDouble(line.substring(prefix.length()).trim());
          // An empty TSDB reports MaxInt64, which a float64 rounds up to 2^63.
          return v >= 0x1p63 ? Long.MAX_VALUE : (long) v;
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw PrometheusException.badAnswer(uri.toString(), "cannot read " + uri, e);
    }
    throw PrometheusException.badAnswer(
        uri.toString(), "no prometheus_tsdb_lowest_timestamp metric", null);
  }

  /**
   * {@code /api/v1/labels}: names of the series {@code matchers} select in [start, end] ms, as
   * Prometheus answers (no external labels; for a range without matchers, the names of every block
   * that overlaps it). See {@link #matchParam} for matchers that all match the empty string.
   */
  public List<String> labelNames(List<Matcher> matchers, long start, long end) {
    return strings(URI.create(base + "/api/v1/labels" + query(matchers, start, end)));
  }

  /** {@code /api/v1/label/<name>/values}, as {@link #labelNames}. */
  public List<String> labelValues(String name, List<Matcher> matchers, long start, long end) {
    return strings(
        URI.create(
            base + "/api/v1/label/" + pathSegment(name) + "/values" + query(matchers, start, end)));
  }

  /**
   * POSTs a remote read request (snappy-compressed protobuf) to {@code /api/v1/read} and returns
   * the answer's body unread, after its status and content type were checked. The caller closes it.
   */
  InputStream remoteRead(ReadRequest request, String expectedContentType) {
    URI uri = URI.create(base + "/api/v1/read");
    byte[] body;
    try {
      body = Snappy.compress(request.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("snappy compression failed", e);
    }
    HttpRequest req =
        request(uri)
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<InputStream> r = send(req, uri);
    InputStream in = r.body();
    try {
      try {
        checkStatus(uri, r.statusCode(), in);
      } catch (IOException e) {
        throw PrometheusException.status(uri.toString(), r.statusCode(), "", e.toString());
      }
      String type = r.headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith(expectedContentType)) {
        throw PrometheusException.badAnswer(
            uri.toString(),
            "remote read answered Content-Type '"
                + type
                + "', expected '"
                + expectedContentType
                + "' (Prometheus older than 2.13 cannot stream chunks)",
            null);
      }
      return in;
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  /**
   * The {@code match[]} selector for {@code matchers}. NOTE: Prometheus refuses a selector whose
   * matchers all match the empty string ({@code {job=~".*"}}); {@code __name__=~".+"} is added to
   * such a selector, which leaves out only series without a metric name (Prometheus stores none
   * from scrapes).
   */
  static String matchParam(List<Matcher> matchers) {
    if (!Matcher.anyNonEmpty(matchers)) {
      List<Matcher> withName = new ArrayList<>(matchers);
      withName.add(new Matcher(Matcher.Type.RE, "__name__", ".+"));
      return Selectors.format(withName);
    }
    return Selectors.format(matchers);
  }

  private static String query(List<Matcher> matchers, long start, long end) {
    StringBuilder q = new StringBuilder();
    if (!matchers.isEmpty()) {
      param(q, "match[]", matchParam(matchers));
    }
    if (start >= -MAX_API_MILLIS) {
      param(q, "start", seconds(start));
    }
    if (end <= MAX_API_MILLIS) {
      param(q, "end", seconds(end));
    }
    return q.toString();
  }

  private static void param(StringBuilder q, String name, String value) {
    q.append(q.length() == 0 ? '?' : '&')
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Milliseconds as the API's decimal seconds, exactly: 1700000000123 -> 1700000000.123. */
  static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).toPlainString();
  }

  /** Percent-encodes everything but unreserved characters, for one path segment. */
  private static String pathSegment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-'
          || c == '.'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private List<String> strings(URI uri) {
    JsonNode data = getData(uri);
    if (data.isNull()) {
      return List.of();
    }
    if (!data.isArray()) {
      throw PrometheusException.badAnswer(uri.toString(), "data is not a list", null);
    }
    List<String> out = new ArrayList<>(data.size());
    data.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** GETs an API endpoint and returns its {@code data}. */
  private JsonNode getData(URI uri) {
    HttpResponse<InputStream> r = send(request(uri).GET().build(), uri);
    try (InputStream in = r.body()) {
      checkStatus(uri, r.statusCode(), in);
      JsonNode root = JSON.readTree(in);
      if (root == null || !"success".equals(root.path("status").asText())) {
        throw PrometheusException.badAnswer(uri.toString(), "status is not success", null);
      }
      JsonNode data = root.get("data");
      if (data == null) {
        throw PrometheusException.badAnswer(uri.toString(), "no data in the answer", null);
      }
      return data;
    } catch (IOException e) {
      throw PrometheusException.badAnswer(uri.toString(), "cannot read the answer: " + e, e);
    }
  }

  /**
   * Throws for a status outside 2xx, with the start of the body; for the API's JSON errors the
   * message carries its {@code errorType: error}.
   */
  private static void checkStatus(URI uri, int status, InputStream in) throws IOException {
    if (status / 100 == 2) {
      return;
    }
    String body = new String(in.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
    String message = body;
    try {
      JsonNode err = JSON.readTree(body);
      if (err != null && err.has("error")) {
        message = err.path("errorType").asText() + ": " + err.get("error").asText();
      }
    } catch (JacksonException notJson) {
      // remote read and the ready endpoint answer plain text
    }
    throw PrometheusException.status(uri.toString(), status, body, message);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(config.responseHeaderTimeout())
            .header("User-Agent", USER_AGENT);
    String auth = authorization();
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  /**
   * The Authorization header, reading secret files on every request (trimmed, as Prometheus' file
   * secrets are), so rotated credentials are used without a restart.
   */
  private String authorization() {
    try {
      if (config.basicAuthUsername() != null) {
        String password =
            config.basicAuthPasswordFile() != null
                ? Files.readString(config.basicAuthPasswordFile()).strip()
                : config.basicAuthPassword() == null ? "" : config.basicAuthPassword();
        String pair = config.basicAuthUsername() + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
      }
      if (config.bearerTokenFile() != null) {
        return "Bearer " + Files.readString(config.bearerTokenFile()).strip();
      }
      if (config.bearerToken() != null) {
        return "Bearer " + config.bearerToken();
      }
      return null;
    } catch (IOException e) {
      throw new PrometheusException(
          base, PrometheusException.NO_STATUS, "", "cannot read a credentials file: " + e, e);
    }
  }

  private HttpResponse<InputStream> send(HttpRequest req, URI uri) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      // Refused, reset, timed out (connect or response headers): no answer at all.
      throw new PrometheusUnreachableException(uri.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusUnreachableException(uri.toString(), e);
    }
  }

  static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing left to read from it
    }
  }
}
