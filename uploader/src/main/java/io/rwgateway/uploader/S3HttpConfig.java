package io.rwgateway.uploader;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The parts of Thanos' S3 {@code http_config} (and its {@code tls_config}) that map onto the AWS
 * SDK's Apache HTTP client. The defaults are Thanos' own.
 *
 * @param idleConnTimeout {@code idle_conn_timeout}: a pooled connection idle this long is closed
 *     (Apache: connection max idle time)
 * @param responseHeaderTimeout {@code response_header_timeout}: the longest wait for the server to
 *     answer. NOTE: Apache's socket timeout is per read, so this also bounds any stall while
 *     streaming a body, which is what we want
 * @param tlsHandshakeTimeout {@code tls_handshake_timeout}: used as the connect timeout, the
 *     closest knob the Apache client has (TCP connect; the handshake's reads are then bounded by
 *     the socket timeout)
 * @param maxConnsPerHost {@code max_conns_per_host}: the connection pool size; 0 (Thanos'
 *     "unlimited") keeps the SDK's default of 50
 * @param insecureSkipVerify {@code insecure_skip_verify} (in {@code http_config} or {@code
 *     tls_config}): trust any certificate and any host name
 * @param caFile {@code tls_config.ca_file}: PEM certificates to trust, or null
 * @param trustRootCa {@code tls_config.trust_root_ca}: with a {@code ca_file}, trust the JDK's root
 *     CAs as well (otherwise only the file's)
 */
public record S3HttpConfig(
    Duration idleConnTimeout,
    Duration responseHeaderTimeout,
    Duration tlsHandshakeTimeout,
    int maxConnsPerHost,
    boolean insecureSkipVerify,
    Path caFile,
    boolean trustRootCa) {

  /** Thanos' defaults: 90s idle, 2m response header, 10s TLS handshake, verified TLS. */
  public static final S3HttpConfig DEFAULT =
      new S3HttpConfig(
          Duration.ofSeconds(90),
          Duration.ofMinutes(2),
          Duration.ofSeconds(10),
          0,
          false,
          null,
          false);

  public S3HttpConfig {
    if (maxConnsPerHost < 0) {
      throw new IllegalArgumentException("max_conns_per_host must not be negative");
    }
  }

  public S3HttpConfig withInsecureSkipVerify(boolean v) {
    return new S3HttpConfig(
        idleConnTimeout,
        responseHeaderTimeout,
        tlsHandshakeTimeout,
        maxConnsPerHost,
        v,
        caFile,
        trustRootCa);
  }

  public S3HttpConfig withCaFile(Path file) {
    return new S3HttpConfig(
        idleConnTimeout,
        responseHeaderTimeout,
        tlsHandshakeTimeout,
        maxConnsPerHost,
        insecureSkipVerify,
        file,
        trustRootCa);
  }

  public S3HttpConfig withResponseHeaderTimeout(Duration d) {
    return new S3HttpConfig(
        idleConnTimeout,
        d,
        tlsHandshakeTimeout,
        maxConnsPerHost,
        insecureSkipVerify,
        caFile,
        trustRootCa);
  }
}
