package io.rwgateway.uploader;

import java.nio.file.Path;

/**
 * Reads the {@code config:} section of a Thanos {@code type: S3} objstore config into an {@link
 * S3Config}. Every key of Thanos' S3 config (objstore {@code providers/s3}, and {@code exthttp}'s
 * {@code http_config}/{@code tls_config}) is accepted, so an existing Thanos config works
 * unchanged; the ones this gateway does not act on are recorded as ignored.
 */
final class S3ConfigParser {
  static final String[] KEYS = {
    "bucket",
    "endpoint",
    "region",
    "access_key",
    "secret_key",
    "session_token",
    "insecure",
    "bucket_lookup_type",
    "part_size",
    "disable_multipart",
    "send_content_md5",
    "put_user_metadata",
    "sse_config",
    "http_config",
    "aws_sdk_auth",
    // accepted, not acted on:
    "disable_dualstack",
    "signature_version2",
    "trace",
    "list_objects_version",
    "sts_endpoint",
    "max_retries"
  };
  static final String[] HTTP_KEYS = {
    "idle_conn_timeout",
    "response_header_timeout",
    "tls_handshake_timeout",
    "insecure_skip_verify",
    "max_conns_per_host",
    "tls_config",
    // accepted, not acted on:
    "expect_continue_timeout",
    "max_idle_conns",
    "max_idle_conns_per_host",
    "force_attempt_http2",
    "disable_compression"
  };
  static final String[] TLS_KEYS = {
    "ca_file", "trust_root_ca", "insecure_skip_verify",
    // accepted, not acted on:
    "cert_file", "key_file", "server_name"
  };
  static final String[] SSE_KEYS = {
    "type", "kms_key_id", "kms_encryption_context", "encryption_key"
  };

  private S3ConfigParser() {}

  static S3Config parse(YamlSection c) throws ObjstoreConfigException {
    S3Config.Builder b =
        S3Config.builder()
            .bucket(c.string("bucket"))
            .endpoint(c.string("endpoint"))
            .region(c.string("region"))
            .insecure(c.bool("insecure", false))
            .accessKey(c.string("access_key"))
            .secretKey(c.string("secret_key"))
            .sessionToken(c.string("session_token"))
            .partSize(c.integer("part_size", S3Config.DEFAULT_PART_SIZE, 0))
            .disableMultipart(c.bool("disable_multipart", false))
            .sendContentMd5(c.bool("send_content_md5", true))
            .userMetadata(c.stringMap("put_user_metadata"))
            .http(http(c.section("http_config", HTTP_KEYS)));
    if (c.bool("aws_sdk_auth", false) && c.string("access_key") != null) {
      throw new ObjstoreConfigException(
          c.path("aws_sdk_auth")
              + " and "
              + c.path("access_key")
              + " are mutually exclusive: aws_sdk_auth uses the AWS default credential chain");
    }
    String lookup = c.string("bucket_lookup_type");
    if (lookup != null) {
      S3Config.BucketLookup bl = S3Config.BucketLookup.fromYaml(lookup);
      if (bl == null) {
        throw new ObjstoreConfigException(
            c.path("bucket_lookup_type")
                + " \""
                + lookup
                + "\" is not one of auto, virtual-hosted, path");
      }
      b.bucketLookup(bl);
    }
    sse(c.section("sse_config", SSE_KEYS), b);
    String listVersion = c.string("list_objects_version");
    if (listVersion != null
        && !listVersion.isEmpty()
        && !listVersion.equals("v1")
        && !listVersion.equals("v2")) {
      throw new ObjstoreConfigException(
          c.path("list_objects_version") + " \"" + listVersion + "\" is not one of v1, v2");
    }
    if ("v1".equals(listVersion)) {
      c.ignore("list_objects_version"); // we always list with ListObjectsV2
    }
    c.ignore("disable_dualstack");
    c.ignore("signature_version2");
    c.ignore("sts_endpoint");
    c.ignore("max_retries");
    c.section("trace", "enable").ignoreAll();
    return b.build();
  }

  private static S3HttpConfig http(YamlSection h) throws ObjstoreConfigException {
    S3HttpConfig d = S3HttpConfig.DEFAULT;
    YamlSection tls = h.section("tls_config", TLS_KEYS);
    // Thanos' defaults for these are what the SDK's client does anyway: no warning for them.
    h.ignore("expect_continue_timeout", "1s");
    h.ignore("max_idle_conns", "100");
    h.ignore("max_idle_conns_per_host", "100");
    h.ignore("force_attempt_http2");
    h.ignore("disable_compression");
    for (String k : new String[] {"cert_file", "key_file", "server_name"}) {
      tls.ignore(k);
    }
    String ca = tls.string("ca_file");
    return new S3HttpConfig(
        h.duration("idle_conn_timeout", d.idleConnTimeout()),
        h.duration("response_header_timeout", d.responseHeaderTimeout()),
        h.duration("tls_handshake_timeout", d.tlsHandshakeTimeout()),
        (int) Math.min(Integer.MAX_VALUE, h.integer("max_conns_per_host", 0, 0)),
        h.bool("insecure_skip_verify", false) || tls.bool("insecure_skip_verify", false),
        ca == null || ca.isEmpty() ? null : Path.of(ca),
        tls.bool("trust_root_ca", false));
  }

  private static void sse(YamlSection s, S3Config.Builder b) throws ObjstoreConfigException {
    String type = s.string("type");
    if (type == null || type.isEmpty()) {
      return;
    }
    switch (type) {
      case "SSE-S3" -> b.sse(S3Config.Sse.SSE_S3, null, null);
      case "SSE-KMS" ->
          b.sse(
              S3Config.Sse.SSE_KMS, s.string("kms_key_id"), s.stringMap("kms_encryption_context"));
      case "SSE-C" ->
          throw new ObjstoreConfigException(
              s.path("type")
                  + " SSE-C (customer-provided keys) is not "
                  + "supported by this gateway; use SSE-S3 or SSE-KMS");
      default ->
          throw new ObjstoreConfigException(
              s.path("type") + " \"" + type + "\" is not one of SSE-S3, SSE-KMS, SSE-C");
    }
  }
}
