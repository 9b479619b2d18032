package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls_config} against an HTTPS server with a self-signed certificate for {@code
 * prometheus.test} and 127.0.0.1 (made with the JDK's keytool): CA file, host name and {@code
 * server_name} checks, {@code insecure_skip_verify}, and client certificates with PKCS#8 and PKCS#1
 * keys.
 */
class PrometheusClientTlsTest {
  private static final char[] PASS = "changeit".toCharArray();

  @TempDir static Path dir;
  private static Path serverStore;
  private static Path clientStore;
  private static Path serverPem;
  private static Path clientPem;
  private static Path clientKeyPkcs8;
  private static Path clientKeyPkcs1;
  private HttpsServer server;

  @BeforeAll
  static void certificates() throws Exception {
    serverStore = keyPair("server", "CN=prometheus", "SAN=dns:prometheus.test,ip:127.0.0.1");
    clientStore = keyPair("client", "CN=sidecar", null);
    serverPem = exportPem("server", serverStore);
    clientPem = exportPem("client", clientStore);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(clientStore)) {
      ks.load(in, PASS);
    }
    byte[] pkcs8 = ((PrivateKey) ks.getKey("client", PASS)).getEncoded();
    clientKeyPkcs8 = pem(dir.resolve("client.key"), "PRIVATE KEY", pkcs8);
    clientKeyPkcs1 = pem(dir.resolve("client-rsa.key"), "RSA PRIVATE KEY", pkcs1Of(pkcs8));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aCaFileIsTrustedAndTheHostChecked() throws Exception {
    int port = start(false);
    String ca = "tls_config: {ca_file: '" + serverPem + "'}";
    assertEquals(List.of("ok"), call("https://127.0.0.1:" + port, ca));
    // The certificate does not name "localhost".
    assertRefused("https://localhost:" + port, ca);
    // The JDK's roots do not include a self-signed certificate.
    assertRefused("https://127.0.0.1:" + port, "");
  }

  @Test
  void serverNameReplacesTheUrlsHost() throws Exception {
    int port = start(false);
    String url = "https://localhost:" + port;
    assertEquals(
        List.of("ok"),
        call(url, "tls_config: {ca_file: '" + serverPem + "', server_name: prometheus.test}"));
    assertRefused(url, "tls_config: {ca_file: '" + serverPem + "', server_name: other.test}");
  }

  @Test
  void insecureSkipVerifyAcceptsAnyCertificate() throws Exception {
    int port = start(false);
    assertEquals(
        List.of("ok"),
        call("https://localhost:" + port, "tls_config: {insecure_skip_verify: true}"));
  }

  @Test
  void clientCertificatesWithPkcs8AndPkcs1Keys() throws Exception {
    int port = start(true);
    String url = "https://127.0.0.1:" + port;
    String ca = "ca_file: '" + serverPem + "'";
    assertRefused(url, "tls_config: {" + ca + "}");
    for (Path key : List.of(clientKeyPkcs8, clientKeyPkcs1)) {
      assertEquals(
          List.of("ok"),
          call(
              url,
              "tls_config: {" + ca + ", cert_file: '" + clientPem + "', key_file: '" + key + "'}"),
          key.toString());
    }
  }

  @Test
  void unusableKeyFilesAreNamed() throws Exception {
    Path ec = pem(dir.resolve("ec.key"), "EC PRIVATE KEY", new byte[] {1, 2, 3});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PrometheusClient(
                    URI.create("https://127.0.0.1:1"),
                    PrometheusHttpConfig.parse(
                        "tls_config: {cert_file: '" + clientPem + "', key_file: '" + ec + "'}")));
    assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
  }

  private static List<String> call(String url, String yaml) {
    return new PrometheusClient(URI.create(url), PrometheusHttpConfig.parse(yaml))
        .labelNames(List.of(), 0, 1000);
  }

  private static void assertRefused(String url, String yaml) {
    PrometheusUnreachableException e =
        assertThrows(PrometheusUnreachableException.class, () -> call(url, yaml));
    assertTrue(e.getMessage().contains(url), e.getMessage());
  }

  /** Starts the HTTPS server; answers every request with a label list. */
  private int start(boolean needClientCert) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverStore)) {
      keys.load(in, PASS);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASS);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(clientStore)) {
      trusted.load(in, PASS);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(ctx) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = ctx.getDefaultSSLParameters();
            p.setNeedClientAuth(needClientCert);
            params.setSSLParameters(p);
          }
        });
    server.createContext(
        "/",
        ex -> {
          byte[] b = "{\"status\":\"success\",\"data\":[\"ok\"]}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    return server.getAddress().getPort();
  }

  private static Path keyPair(String alias, String dname, String ext) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                keytool(),
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                dname,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit"));
    if (ext != null) {
      cmd.add("-ext");
      cmd.add(ext);
    }
    run(cmd);
    return store;
  }

  private static Path exportPem(String alias, Path store) throws Exception {
    Path pem = dir.resolve(alias + ".pem");
    run(
        List.of(
            keytool(),
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            store.toString(),
            "-storepass",
            "changeit",
            "-file",
            pem.toString()));
    return pem;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hangs");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static Path pem(Path file, String type, byte[] der) throws Exception {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    return file;
  }

  /** The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the content of its octet string. */
  private static byte[] pkcs1Of(byte[] pkcs8) {
    int[] at = {0};
    header(pkcs8, at); // PrivateKeyInfo SEQUENCE
    skip(pkcs8, at); // version INTEGER
    skip(pkcs8, at); // algorithm SEQUENCE
    int len = header(pkcs8, at); // privateKey OCTET STRING
    return Arrays.copyOfRange(pkcs8, at[0], at[0] + len);
  }

  /** Reads a DER tag and length; leaves {@code at} at the content. */
  private static int header(byte[] der, int[] at) {
    at[0]++; // tag
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int len = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      len = (len << 8) | (der[at[0]++] & 0xff);
    }
    return len;
  }

  private static void skip(byte[] der, int[] at) {
    int len = header(der, at);
    at[0] += len;
  }
}
