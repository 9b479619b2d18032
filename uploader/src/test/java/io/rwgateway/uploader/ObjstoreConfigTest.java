package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.PromDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thanos objstore YAML in, typed config out; every mistake named. */
class ObjstoreConfigTest {
  @TempDir Path tmp;

  static ObjstoreConfigException fails(String yaml) {
    return assertThrows(ObjstoreConfigException.class, () -> ObjstoreConfig.parse(yaml));
  }

  static void assertMentions(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "\"" + p + "\" not in: " + e.getMessage());
    }
  }

  @Test
  void minioStyleS3ConfigAsInThanosDocs() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: s3
        config:
          bucket: "thanos"
          endpoint: "minio.monitoring.svc:9000"
          access_key: "minio"
          secret_key: "minio123"
          insecure: true
        """);
    assertEquals(ObjstoreConfig.Type.S3, c.type());
    S3Config s3 = c.s3();
    assertEquals("thanos", s3.bucket());
    assertEquals("minio.monitoring.svc:9000", s3.endpoint());
    assertEquals("http://minio.monitoring.svc:9000", s3.endpointUri().toString());
    assertEquals("us-east-1", s3.region());
    assertEquals("minio", s3.accessKey());
    assertEquals("minio123", s3.secretKey());
    assertTrue(s3.pathStyle(), "auto lookup with a port is path-style");
    assertEquals(S3Config.DEFAULT_PART_SIZE, s3.partSize());
    assertTrue(s3.sendContentMd5());
    assertEquals("", c.prefix());
    assertEquals(List.of(), c.ignoredKeys());
    assertNull(c.directory());
    assertFalse(c.toString().contains("minio123"), c.toString());
  }

  @Test
  void fullThanosS3ConfigWithHttpAndTlsConfig() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: S3
        config:
          bucket: "blocks"
          endpoint: "s3.eu-west-1.amazonaws.com"
          region: ""
          aws_sdk_auth: false
          access_key: ""
          insecure: false
          signature_version2: false
          secret_key: ""
          session_token: ""
          put_user_metadata: {}
          http_config:
            idle_conn_timeout: 1m30s
            response_header_timeout: 2m
            insecure_skip_verify: false
            tls_handshake_timeout: 10s
            expect_continue_timeout: 1s
            max_idle_conns: 100
            max_idle_conns_per_host: 100
            max_conns_per_host: 0
            tls_config:
              ca_file: "/etc/ssl/private-ca.pem"
              cert_file: ""
              key_file: ""
              server_name: ""
              insecure_skip_verify: false
            disable_compression: false
          trace:
            enable: false
          list_objects_version: ""
          bucket_lookup_type: auto
          send_content_md5: true
          disable_multipart: false
          part_size: 67108864
          sse_config:
            type: ""
            kms_key_id: ""
            kms_encryption_context: {}
            encryption_key: ""
          sts_endpoint: ""
          max_retries: 0
        prefix: ""
        """);
    S3Config s3 = c.s3();
    assertEquals("eu-west-1", s3.region(), "the region comes from an AWS regional endpoint");
    assertFalse(s3.hasStaticCredentials(), "no keys: the default credential chain");
    assertFalse(s3.pathStyle(), "AWS host without a port: virtual-hosted");
    assertEquals("https://s3.eu-west-1.amazonaws.com", s3.endpointUri().toString());
    S3HttpConfig h = s3.http();
    assertEquals(Duration.ofSeconds(90), h.idleConnTimeout());
    assertEquals(Duration.ofMinutes(2), h.responseHeaderTimeout());
    assertEquals(Duration.ofSeconds(10), h.tlsHandshakeTimeout());
    assertEquals(Path.of("/etc/ssl/private-ca.pem"), h.caFile());
    assertFalse(h.insecureSkipVerify());
    assertEquals(S3Config.Sse.NONE, s3.sse());
    // Every key at its off value or Thanos' default: nothing asked for that we do not do.
    assertEquals(List.of(), c.ignoredKeys());
  }

  @Test
  void settingsWeDoNotActOnAreReportedByPath() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: S3
        config:
          bucket: b
          endpoint: 10.0.0.5:9000
          insecure: true
          signature_version2: true
          trace: {enable: true}
          list_objects_version: v1
          http_config:
            insecure_skip_verify: yes
            max_idle_conns: 10
            tls_config: {cert_file: /c.pem, key_file: /k.pem}
        """);
    assertEquals(
        List.of(
            "config.http_config.max_idle_conns",
            "config.http_config.tls_config.cert_file",
            "config.http_config.tls_config.key_file",
            "config.list_objects_version",
            "config.signature_version2",
            "config.trace.enable"),
        c.ignoredKeys());
    assertTrue(c.s3().http().insecureSkipVerify(), "YAML 1.1 yes is true, as in Thanos");
  }

  @Test
  void actedOnKeysAreTyped() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: S3
        config:
          bucket: my.dotted.bucket
          endpoint: storage.example.com
          region: eu-central-1
          access_key: AK
          secret_key: SK
          session_token: TOKEN
          bucket_lookup_type: virtual-hosted
          part_size: 8388608
          disable_multipart: true
          send_content_md5: false
          put_user_metadata: {X-Amz-Storage-Class: GLACIER_IR, owner: obs}
          sse_config: {type: SSE-S3}
          http_config: {max_conns_per_host: 16, response_header_timeout: 30s}
        """);
    S3Config s3 = c.s3();
    assertEquals("eu-central-1", s3.region());
    assertEquals("TOKEN", s3.sessionToken());
    assertEquals(S3Config.BucketLookup.VIRTUAL_HOSTED, s3.bucketLookup());
    assertFalse(s3.pathStyle(), "forced virtual-hosted wins over the dotted-bucket rule");
    assertEquals(8L << 20, s3.partSize());
    assertTrue(s3.disableMultipart());
    assertFalse(s3.sendContentMd5());
    assertEquals("GLACIER_IR", s3.storageClass());
    assertEquals(Map.of("owner", "obs"), s3.userMetadata());
    assertEquals(S3Config.Sse.SSE_S3, s3.sse());
    assertEquals(16, s3.http().maxConnsPerHost());
    assertEquals(Duration.ofSeconds(30), s3.http().responseHeaderTimeout());
    assertEquals("https://storage.example.com", s3.endpointDescription());
  }

  @Test
  void autoLookupRules() throws IOException {
    assertTrue(s3("endpoint: 127.0.0.1").pathStyle(), "IP");
    assertTrue(s3("endpoint: \"[::1]:9000\"").pathStyle(), "IPv6 with port");
    assertTrue(s3("endpoint: localhost").pathStyle(), "localhost");
    assertTrue(s3("endpoint: minio:9000").pathStyle(), "port");
    assertFalse(s3("endpoint: s3.amazonaws.com").pathStyle(), "AWS");
    assertFalse(s3("region: us-west-2").pathStyle(), "no endpoint: AWS");
    assertTrue(s3("bucket_lookup_type: path").pathStyle(), "forced");
    assertEquals(
        "https://s3.us-west-2.amazonaws.com", s3("region: us-west-2").endpointDescription());
  }

  private static S3Config s3(String extra) throws IOException {
    return ObjstoreConfig.parse("type: S3\nconfig:\n  bucket: b\n  " + extra + "\n").s3();
  }

  @Test
  void filesystemConfig() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: FILESYSTEM
        config:
          directory: "%s"
        """
                .formatted(tmp.resolve("bkt")));
    assertEquals(ObjstoreConfig.Type.FILESYSTEM, c.type());
    assertEquals(tmp.resolve("bkt"), c.directory());
    assertNull(c.s3());
    try (Bucket b = c.open()) {
      FilesystemBucket fs = assertInstanceOf(FilesystemBucket.class, b);
      assertEquals(tmp.resolve("bkt"), fs.root());
    }
  }

  @Test
  void prefixWrapsTheBucket() throws IOException {
    ObjstoreConfig c =
        ObjstoreConfig.parse(
            """
        type: filesystem
        config: {directory: "%s"}
        prefix: /cluster-a/
        """
                .formatted(tmp.resolve("bkt")));
    assertEquals("cluster-a", c.prefix());
    try (Bucket b = c.open()) {
      PrefixedBucket p = assertInstanceOf(PrefixedBucket.class, b);
      Path f = Files.writeString(tmp.resolve("f"), "x");
      p.upload("01A/meta.json", f);
      assertTrue(Files.exists(tmp.resolve("bkt/cluster-a/01A/meta.json")));
    }
  }

  @Test
  void anS3ConfigOpensAWorkingBucket() throws IOException {
    try (S3ProxyServer server = new S3ProxyServer(tmp.resolve("s3"));
        Bucket b = ObjstoreConfig.parse(server.objstoreYaml() + "prefix: p\n").open()) {
      Path f = Files.writeString(tmp.resolve("f"), "hello");
      b.upload("01A/meta.json", f);
      assertTrue(b.exists("01A/meta.json"));
      assertTrue(
          Files.exists(tmp.resolve("s3").resolve(S3ProxyServer.BUCKET)), "stored by the server");
      assertTrue(b.describe().startsWith("s3 bucket blocks at http://127.0.0.1:"), b.describe());
    }
  }

  @Test
  void unknownKeysAreNamedWithTheAcceptedOnes() {
    assertMentions(
        fails("type: S3\nconfig: {bucket: b}\nprefx: a\n"),
        "unknown key prefx",
        "type, config, prefix");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, endpoint_url: x}\n"),
        "unknown key config.endpoint_url",
        "bucket",
        "endpoint",
        "part_size");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, http_config: {idle_timeout: 1s}}\n"),
        "unknown key config.http_config.idle_timeout",
        "idle_conn_timeout");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, http_config: {tls_config: {ca: x}}}\n"),
        "unknown key config.http_config.tls_config.ca",
        "ca_file");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, sse_config: {kind: SSE-S3}}\n"),
        "unknown key config.sse_config.kind");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, trace: {enabled: true}}\n"),
        "unknown key config.trace.enabled",
        "enable");
    assertMentions(
        fails("type: FILESYSTEM\nconfig: {directory: /d, bucket: b}\n"),
        "unknown key config.bucket",
        "directory");
  }

  @Test
  void unknownAndUnsupportedTypes() {
    assertMentions(
        fails("type: S4\nconfig: {bucket: b}\n"), "unknown objstore type \"S4\"", "S3, FILESYSTEM");
    assertMentions(
        fails("type: GCS\nconfig: {bucket: b}\n"), "GCS", "does not implement", "S3, FILESYSTEM");
    assertMentions(fails("config: {bucket: b}\n"), "missing type");
  }

  @Test
  void missingRequiredKeys() {
    assertMentions(
        fails("type: S3\nconfig: {endpoint: 'minio:9000'}\n"), "missing bucket", "config.bucket");
    assertMentions(fails("type: S3\n"), "missing bucket");
    assertMentions(fails("type: FILESYSTEM\nconfig: {}\n"), "config.directory");
    assertMentions(fails(""), "empty");
  }

  @Test
  void oneKeyOfAPairIsNotEnough() {
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, access_key: AK}\n"), "config.secret_key", "set both");
    ObjstoreConfigException e = fails("type: S3\nconfig: {bucket: b, secret_key: SUPERSECRET}\n");
    assertMentions(e, "config.access_key");
    assertFalse(e.getMessage().contains("SUPERSECRET"));
    assertMentions(
        fails(
            "type: S3\nconfig: {bucket: b, access_key: AK, secret_key: SK, aws_sdk_auth: true}\n"),
        "aws_sdk_auth",
        "mutually exclusive");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, sse_config: {type: SSE-KMS}}\n"), "kms_key_id");
  }

  @Test
  void badValuesAreNamed() {
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, part_size: 1024}\n"), "config.part_size", "5 MiB");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, part_size: big}\n"),
        "config.part_size",
        "whole number");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, insecure: maybe}\n"),
        "config.insecure",
        "true or false");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, http_config: {idle_conn_timeout: soon}}\n"),
        "config.http_config.idle_conn_timeout",
        "duration");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, bucket_lookup_type: dns}\n"),
        "config.bucket_lookup_type",
        "auto, virtual-hosted, path");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, endpoint: 'https://minio:9000'}\n"),
        "config.endpoint",
        "without a scheme");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, sse_config: {type: SSE-C, encryption_key: /k}}\n"),
        "SSE-C",
        "not supported");
    assertMentions(
        fails("type: S3\nconfig: {bucket: b, list_objects_version: v3}\n"), "list_objects_version");
    assertMentions(fails("type: S3\nconfig: [bucket]\n"), "config must be a mapping");
    assertMentions(fails("type: S3\nconfig: {bucket: b}\nconfig: {bucket: c}\n"), "config");
    assertMentions(fails("type: S3\nconfig: {bucket: b\n"), "not valid YAML", "line");
  }

  @Test
  void aYamlSyntaxErrorDoesNotEchoTheSecretOnTheBrokenLine() {
    for (String yaml :
        List.of(
            "type: S3\nconfig: {bucket: b, secret_key: TOPSECRET\n",
            "type: S3\nconfig:\n  secret_key: \"TOPSECRET\n  bucket: b\n",
            "type: S3\nconfig:\n  secret_key: TOPSECRET: x\n")) {
      ObjstoreConfigException e = fails(yaml);
      assertMentions(e, "not valid YAML");
      assertFalse(e.getMessage().contains("TOPSECRET"), e.getMessage());
    }
  }

  @Test
  void prometheusDurations() {
    assertEquals(Duration.ofSeconds(90), PromDuration.parse("90s"));
    assertEquals(Duration.ofSeconds(90), PromDuration.parse("1m30s"));
    assertEquals(Duration.ofMillis(1500), PromDuration.parse("1s500ms"));
    assertEquals(Duration.ofDays(8).plusHours(1), PromDuration.parse("1w1d1h"));
    assertEquals(Duration.ZERO, PromDuration.parse("0"));
    assertNull(PromDuration.parse(""));
    assertNull(PromDuration.parse("1.5s"));
    assertNull(PromDuration.parse("30s1m"), "units in order");
    assertNull(PromDuration.parse("5"));
  }

  @Test
  void fromFileNamesTheFile() throws IOException {
    Path f = tmp.resolve("objstore.yml");
    Files.writeString(f, "type: S3\nconfig: {bucket: b, nope: 1}\n");
    ObjstoreConfigException e =
        assertThrows(ObjstoreConfigException.class, () -> ObjstoreConfig.fromFile(f));
    assertMentions(e, f.toString(), "config.nope");
    Path missing = tmp.resolve("missing.yml");
    assertMentions(
        assertThrows(ObjstoreConfigException.class, () -> ObjstoreConfig.fromFile(missing)),
        missing.toString());
    Files.writeString(f, "type: FILESYSTEM\nconfig: {directory: /var/lib/blocks}\n");
    assertEquals(Path.of("/var/lib/blocks"), ObjstoreConfig.fromFile(f).directory());
  }
}
