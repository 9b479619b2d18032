package io.rwgateway.uploader;

import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the AWS SDK v2 sync {@link S3Client} (Apache HTTP client) that an {@link S3Config}
 * describes.
 */
final class S3Clients {
  /**
   * NOTE: the SDK's standard strategy would retry 3 times with backoff on every failure; the
   * shipper has its own backoff and must learn quickly that the store is down, so one quick retry
   * (for a dropped pooled connection) is all we allow here.
   */
  static final int MAX_ATTEMPTS = 2;

  private S3Clients() {}

  static S3Client build(S3Config cfg) throws ObjstoreConfigException {
    S3ClientBuilder b =
        S3Client.builder()
            // A builder, not a client: the SDK then owns the HTTP client and closes it with the
            // S3Client.
            .httpClientBuilder(httpClient(cfg.http()))
            .region(Region.of(cfg.region()))
            .forcePathStyle(cfg.pathStyle())
            // NOTE: since 2.30 the SDK adds CRC trailers (aws-chunked uploads) by default; several
            // S3-compatible stores (older MinIO, Ceph, some clouds) reject them. We send
            // Content-MD5
            // ourselves instead (send_content_md5, on by default), which every S3 implementation
            // checks.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS)));
    if (cfg.endpointUri() != null) {
      b.endpointOverride(cfg.endpointUri());
    }
    if (cfg.hasStaticCredentials()) {
      b.credentialsProvider(
          StaticCredentialsProvider.create(
              cfg.sessionToken() == null
                  ? AwsBasicCredentials.create(cfg.accessKey(), cfg.secretKey())
                  : AwsSessionCredentials.create(
                      cfg.accessKey(), cfg.secretKey(), cfg.sessionToken())));
    }
    // Otherwise the SDK's default chain (environment, profiles, web identity, container and
    // instance roles), created and closed by the client itself.
    return b.build();
  }

  /**
   * NOTE: the SDK deprecates this Apache 4 client in favour of {@code apache5-client}, which the s3
   * artifact brings only at runtime scope; the module depends on {@code apache-client} (4.x), so we
   * use it until the pom switches. The builder options map one to one.
   */
  @SuppressWarnings("deprecation")
  private static SdkHttpClient.Builder<?> httpClient(S3HttpConfig http)
      throws ObjstoreConfigException {
    ApacheHttpClient.Builder b =
        ApacheHttpClient.builder()
            .connectionMaxIdleTime(http.idleConnTimeout())
            .socketTimeout(http.responseHeaderTimeout())
            .connectionTimeout(http.tlsHandshakeTimeout());
    if (http.maxConnsPerHost() > 0) {
      b.maxConnections(http.maxConnsPerHost());
    }
    if (http.insecureSkipVerify()) {
      return new TrustAll(b);
    }
    if (http.caFile() != null) {
      TrustManager[] tms = S3Tls.trustManagers(http.caFile(), http.trustRootCa());
      b.tlsTrustManagersProvider(() -> tms);
    }
    return b;
  }

  /**
   * Trusts every certificate and skips the host name check, as Go's {@code InsecureSkipVerify}
   * does. The Apache builder has no setter for it, only the SDK-wide attribute.
   */
  @SuppressWarnings("deprecation")
  private static final class TrustAll implements SdkHttpClient.Builder<TrustAll> {
    private static final AttributeMap TRUST_ALL =
        AttributeMap.builder()
            .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
            .build();
    private final ApacheHttpClient.Builder apache;

    TrustAll(ApacheHttpClient.Builder apache) {
      this.apache = apache;
    }

    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return apache.buildWithDefaults(TRUST_ALL.merge(serviceDefaults));
    }
  }
}
