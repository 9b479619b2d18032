package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 over HTTPS: {@code ca_file}, {@code insecure_skip_verify}, and what an untrusted server gives.
 */
class S3TlsTest {
  @TempDir static Path dir;
  static TestCertificates server;
  static TestCertificates stranger;
  static S3ProxyServer s3;

  @BeforeAll
  static void start() throws Exception {
    server = TestCertificates.create(dir, "server");
    stranger = TestCertificates.create(dir, "stranger");
    s3 = S3ProxyServer.withTls(dir.resolve("data"), server.keyStore(), server.password());
  }

  @AfterAll
  static void stop() throws IOException {
    s3.close();
  }

  static void roundTrip(S3HttpConfig http) throws IOException {
    S3Config cfg = s3.configBuilder().http(http).build();
    assertEquals("https://" + s3.endpoint(), cfg.endpointDescription());
    try (S3Bucket b = new S3Bucket(cfg)) {
      Path f = Files.writeString(dir.resolve("f"), "over tls");
      b.upload("tls/obj", f);
      assertTrue(b.exists("tls/obj"));
    }
  }

  @Test
  void trustingTheServersCaFileWorks() throws IOException {
    roundTrip(S3HttpConfig.DEFAULT.withCaFile(server.certPem()));
  }

  @Test
  void insecureSkipVerifyWorksWithoutACa() throws IOException {
    roundTrip(S3HttpConfig.DEFAULT.withInsecureSkipVerify(true));
  }

  @Test
  void anUntrustedServerIsAPermanentTlsError() throws IOException {
    for (S3HttpConfig http :
        new S3HttpConfig[] {
          S3HttpConfig.DEFAULT, S3HttpConfig.DEFAULT.withCaFile(stranger.certPem())
        }) {
      try (S3Bucket b = new S3Bucket(s3.configBuilder().http(http).build())) {
        BucketException e = assertThrows(BucketException.class, () -> b.exists("x"));
        assertEquals("tls", e.reason(), e.getMessage());
        assertFalse(e.retryable());
      }
    }
  }

  @Test
  void aCaFileThatIsNotPemIsAConfigErrorNamingIt() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    S3Config cfg = s3.configBuilder().http(S3HttpConfig.DEFAULT.withCaFile(junk)).build();
    ObjstoreConfigException e =
        assertThrows(ObjstoreConfigException.class, () -> new S3Bucket(cfg));
    assertTrue(
        e.getMessage().contains("ca_file") && e.getMessage().contains(junk.toString()),
        e.getMessage());
    Path missing = dir.resolve("missing.pem");
    S3Config cfg2 = s3.configBuilder().http(S3HttpConfig.DEFAULT.withCaFile(missing)).build();
    assertTrue(
        assertThrows(ObjstoreConfigException.class, () -> new S3Bucket(cfg2))
            .getMessage()
            .contains(missing.toString()));
  }
}
