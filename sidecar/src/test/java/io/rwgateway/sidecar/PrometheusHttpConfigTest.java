package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusHttpConfigTest {
  @Test
  void thanosKeysAreRead() {
    PrometheusHttpConfig c =
        PrometheusHttpConfig.parse(
            """
            basic_auth:
              username: thanos
              password_file: /etc/secret/pw
            tls_config:
              ca_file: /etc/tls/ca.pem
              cert_file: /etc/tls/client.pem
              key_file: /etc/tls/client.key
              server_name: prometheus.internal
              insecure_skip_verify: false
            transport_config:
              dialer_timeout: 2000000000
              response_header_timeout: 30000000000
              max_idle_conns: 10
            """);
    assertEquals("thanos", c.basicAuthUsername());
    assertNull(c.basicAuthPassword());
    assertEquals(Path.of("/etc/secret/pw"), c.basicAuthPasswordFile());
    assertNull(c.bearerToken());
    assertEquals(Path.of("/etc/tls/ca.pem"), c.tls().caFile());
    assertEquals(Path.of("/etc/tls/client.pem"), c.tls().certFile());
    assertEquals(Path.of("/etc/tls/client.key"), c.tls().keyFile());
    assertEquals("prometheus.internal", c.tls().serverName());
    assertFalse(c.tls().insecureSkipVerify());
    assertEquals(Duration.ofSeconds(2), c.dialTimeout());
    assertEquals(Duration.ofSeconds(30), c.responseHeaderTimeout());
  }

  @Test
  void emptyAndZeroMeanDefaults() {
    assertEquals(PrometheusHttpConfig.defaults(), PrometheusHttpConfig.parse(""));
    assertEquals(PrometheusHttpConfig.defaults(), PrometheusHttpConfig.parse("{}"));
    PrometheusHttpConfig c =
        PrometheusHttpConfig.parse(
            "basic_auth: {username: '', password: ''}\n"
                + "bearer_token: ''\n"
                + "transport_config: {response_header_timeout: 0}\n"
                + "tls_config: {insecure_skip_verify: yes}\n");
    assertNull(c.basicAuthUsername());
    assertNull(c.bearerToken());
    assertEquals(PrometheusHttpConfig.DEFAULT_RESPONSE_TIMEOUT, c.responseHeaderTimeout());
    assertTrue(c.tls().insecureSkipVerify());
    assertEquals("tok", PrometheusHttpConfig.parse("bearer_token: tok").bearerToken());
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertMessage("unknown key 'bearer_tokn_file'", "bearer_tokn_file: /x");
    assertMessage("unknown key 'tls_config.ca'", "tls_config:\n  ca: /x");
    assertMessage("unknown key 'basic_auth.user'", "basic_auth: {user: a}");
    assertMessage(
        "unknown key 'transport_config.dial_timeout'", "transport_config: {dial_timeout: 1}");
    // Prometheus' newer keys are not in Thanos' http client config either.
    assertMessage("unknown key 'authorization'", "authorization: {credentials: x}");
  }

  @Test
  void conflictsAndUnsupportedSettings() {
    assertMessage(
        "at most one of bearer_token & bearer_token_file",
        "bearer_token: a\nbearer_token_file: /b");
    assertMessage(
        "at most one of basic_auth, bearer_token & bearer_token_file",
        "basic_auth: {username: u, password: p}\nbearer_token: a");
    assertMessage(
        "at most one of basic_auth password & password_file",
        "basic_auth: {username: u, password: p, password_file: /f}");
    assertMessage("cert_file and key_file must be given together", "tls_config: {cert_file: /c}");
    assertMessage("proxy_url is not supported", "proxy_url: http://proxy:3128");
    assertMessage("whole number of nanoseconds", "transport_config: {dialer_timeout: 5s}");
    assertMessage(
        "insecure_skip_verify must be true or false", "tls_config: {insecure_skip_verify: maybe}");
    assertMessage("must be a mapping", "tls_config: [a]");
    assertMessage("not valid YAML", "basic_auth: {username: [");
  }

  private static void assertMessage(String expected, String yaml) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrometheusHttpConfig.parse(yaml));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
