package io.rwgateway.sidecar;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * How to reach Prometheus: Thanos' {@code --prometheus.http-client} YAML (its {@code
 * clientconfig.HTTPClientConfig}), so an existing sidecar config works unchanged:
 *
 * <pre>
 * basic_auth: {username, password, password_file}
 * bearer_token: ...          # or bearer_token_file
 * tls_config: {ca_file, cert_file, key_file, server_name, insecure_skip_verify}
 * transport_config: {dialer_timeout, response_header_timeout, ...}   # integer nanoseconds
 * proxy_url: ...             # refused: no proxy support
 * </pre>
 *
 * <p>Unlike Thanos, which ignores unknown keys, an unknown key is an error naming it: a misspelt
 * {@code bearer_token_file} would otherwise send requests without credentials.
 *
 * @param basicAuthUsername null when basic auth is off
 * @param basicAuthPassword inline password, or null
 * @param basicAuthPasswordFile read on every request (so a rotated secret is picked up), or null
 * @param bearerToken inline token, or null
 * @param bearerTokenFile read on every request, or null
 * @param tls TLS settings (used for https URLs)
 * @param dialTimeout connect timeout ({@code transport_config.dialer_timeout}, default 5 s)
 * @param responseHeaderTimeout how long to wait for the status line and headers ({@code
 *     transport_config.response_header_timeout}; Thanos' 0, no limit, is mapped to {@link
 *     #DEFAULT_RESPONSE_TIMEOUT} so that a hung Prometheus does not hold a query forever)
 */
public record PrometheusHttpConfig(
    String basicAuthUsername,
    String basicAuthPassword,
    Path basicAuthPasswordFile,
    String bearerToken,
    Path bearerTokenFile,
    Tls tls,
    Duration dialTimeout,
    Duration responseHeaderTimeout) {

  /** Thanos' default {@code dialer_timeout}. */
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(5);

  /** Used when {@code response_header_timeout} is 0 or unset. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * {@code tls_config}. {@code server_name} is the name the server's certificate must carry
   * (instead of the URL's host); the TLS SNI still names the URL's host, which java.net.http sets
   * itself.
   */
  public record Tls(
      Path caFile, Path certFile, Path keyFile, String serverName, boolean insecureSkipVerify) {
    static final Tls NONE = new Tls(null, null, null, null, false);
  }

  private static final List<String> KEYS =
      List.of(
          "basic_auth",
          "bearer_token",
          "bearer_token_file",
          "proxy_url",
          "tls_config",
          "transport_config");
  private static final List<String> BASIC_AUTH_KEYS =
      List.of("username", "password", "password_file");
  private static final List<String> TLS_KEYS =
      List.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify");

  /**
   * Thanos' transport keys. Only the two timeouts act here; java.net.http manages its connection
   * pool itself, so the pool sizes, idle timeout, compression and TLS handshake timeout are
   * accepted and have no effect.
   */
  private static final List<String> TRANSPORT_KEYS =
      List.of(
          "max_idle_conns",
          "max_idle_conns_per_host",
          "idle_conn_timeout",
          "response_header_timeout",
          "expect_continue_timeout",
          "max_conns_per_host",
          "disable_compression",
          "tls_handshake_timeout",
          "dialer_timeout");

  /** No credentials, the JDK's trusted roots, default timeouts. */
  public static PrometheusHttpConfig defaults() {
    return new PrometheusHttpConfig(
        null, null, null, null, null, Tls.NONE, DEFAULT_DIAL_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT);
  }

  /**
   * Parses the YAML; empty text gives {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key that is unknown, malformed or in conflict
   */
  public static PrometheusHttpConfig parse(String yaml) {
    JsonNode root;
    try {
      root = yaml.isBlank() ? null : new YAMLMapper().readTree(yaml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "prometheus http client config is not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return defaults();
    }
    object(root, "", KEYS);

    String proxy = text(root, "proxy_url", "");
    if (proxy != null && !proxy.isEmpty()) {
      throw new IllegalArgumentException(
          "proxy_url is not supported: reach Prometheus directly (the sidecar runs next to it)");
    }

    String user = null;
    String password = null;
    Path passwordFile = null;
    JsonNode basic = root.get("basic_auth");
    if (present(basic)) {
      object(basic, "basic_auth.", BASIC_AUTH_KEYS);
      user = orEmpty(text(basic, "username", "basic_auth."));
      password = text(basic, "password", "basic_auth.");
      passwordFile = path(basic, "password_file", "basic_auth.");
      if (password != null && password.isEmpty()) {
        password = null;
      }
      if (password != null && passwordFile != null) {
        throw new IllegalArgumentException(
            "at most one of basic_auth password & password_file must be configured");
      }
      if (user.isEmpty() && password == null && passwordFile == null) {
        user = null; // all empty: basic auth off, as Thanos' BasicAuth.IsZero
      }
    }

    String token = text(root, "bearer_token", "");
    if (token != null && token.isEmpty()) {
      token = null;
    }
    Path tokenFile = path(root, "bearer_token_file", "");
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException(
          "at most one of bearer_token & bearer_token_file must be configured");
    }
    if (user != null && (token != null || tokenFile != null)) {
      throw new IllegalArgumentException(
          "at most one of basic_auth, bearer_token & bearer_token_file must be configured");
    }

    Tls tls = Tls.NONE;
    JsonNode t = root.get("tls_config");
    if (present(t)) {
      object(t, "tls_config.", TLS_KEYS);
      tls =
          new Tls(
              path(t, "ca_file", "tls_config."),
              path(t, "cert_file", "tls_config."),
              path(t, "key_file", "tls_config."),
              emptyToNull(text(t, "server_name", "tls_config.")),
              bool(t, "insecure_skip_verify", "tls_config."));
      if ((tls.certFile() == null) != (tls.keyFile() == null)) {
        throw new IllegalArgumentException(
            "tls_config: cert_file and key_file must be given together (got "
                + (tls.certFile() == null ? "key_file" : "cert_file")
                + " only)");
      }
    }

    Duration dial = DEFAULT_DIAL_TIMEOUT;
    Duration header = DEFAULT_RESPONSE_TIMEOUT;
    JsonNode tr = root.get("transport_config");
    if (present(tr)) {
      object(tr, "transport_config.", TRANSPORT_KEYS);
      Duration d = nanos(tr, "dialer_timeout");
      if (d != null && !d.isZero()) {
        dial = d;
      }
      Duration h = nanos(tr, "response_header_timeout");
      if (h != null && !h.isZero()) {
        header = h;
      }
    }
    return new PrometheusHttpConfig(
        user, password, passwordFile, token, tokenFile, tls, dial, header);
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull();
  }

  /** Checks that {@code n} is a mapping holding only {@code known} keys. */
  private static void object(JsonNode n, String path, List<String> known) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(
          (path.isEmpty() ? "prometheus http client config" : path.substring(0, path.length() - 1))
              + " must be a mapping, got: "
              + n.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + path
                + k
                + "' in prometheus http client config (known: "
                + known
                + ")");
      }
    }
  }

  /** A scalar as text (numbers and booleans too, as Go's YAML gives a string field), or null. */
  private static String text(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (!present(v)) {
      return null;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(path + key + " must be a string");
    }
    return v.asText();
  }

  private static Path path(JsonNode n, String key, String path) {
    String s = emptyToNull(text(n, key, path));
    return s == null ? null : Path.of(s);
  }

  private static boolean bool(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (!present(v)) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    // YAML 1.1 spellings, which Go's yaml.v2 (Thanos' parser) accepts.
    switch (v.asText().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "y":
        return true;
      case "false", "no", "off", "n":
        return false;
      default:
        throw new IllegalArgumentException(
            path + key + " must be true or false, got '" + v.asText() + "'");
    }
  }

  /** A Go {@code time.Duration} field as Thanos' YAML holds it: integer nanoseconds. */
  private static Duration nanos(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (!present(v)) {
      return null;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new IllegalArgumentException(
          "transport_config."
              + key
              + " must be a whole number of nanoseconds (Thanos' format), got '"
              + v.asText()
              + "'");
    }
    return Duration.ofNanos(v.asLong());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
