package io.rwgateway.uploader;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link S3Bucket} needs, validated: the typed form of Thanos' S3 objstore {@code
 * config:} section (see {@link ObjstoreConfig}), or built directly with {@link #builder()}. Error
 * messages use the YAML key names, since an operator reads them.
 *
 * <p><b>Path-style or virtual-hosted.</b> {@code bucket_lookup_type: auto} (the default) resolves
 * to path-style ({@code http://host:port/bucket/key}) when the endpoint is an IP address, has a
 * port, or is {@code localhost}, because such endpoints are MinIO, Ceph, S3Proxy and the like,
 * which seldom have wildcard DNS for {@code bucket.host}; and when the bucket name contains a dot,
 * because {@code a.b.s3.amazonaws.com} does not match S3's wildcard certificate. Otherwise (AWS, or
 * a named endpoint without a port) it is virtual-hosted ({@code https://bucket.host/key}), as AWS
 * requires for new buckets. {@code path} and {@code virtual-hosted} force one style.
 */
public final class S3Config {
  /** Thanos' {@code part_size} default. */
  public static final long DEFAULT_PART_SIZE = 64L << 20;

  /** S3's smallest part (all but the last). */
  public static final long MIN_PART_SIZE = 5L << 20;

  /** S3's largest part. */
  public static final long MAX_PART_SIZE = 5L << 30;

  public static final String DEFAULT_REGION = "us-east-1";

  /**
   * AWS' regional endpoints: {@code s3.eu-west-1.amazonaws.com}, {@code s3-eu-west-1...},
   * dualstack.
   */
  private static final Pattern AWS_REGIONAL =
      Pattern.compile(
          "s3[.-](?:dualstack\\.)?([a-z]{2}(?:-[a-z]+)+-\\d+)\\.amazonaws\\.com(?:\\.cn)?");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String STORAGE_CLASS_META = "x-amz-storage-class";

  /** Thanos' {@code bucket_lookup_type}. */
  public enum BucketLookup {
    AUTO("auto"),
    VIRTUAL_HOSTED("virtual-hosted"),
    PATH("path");

    private final String yamlName;

    BucketLookup(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }

    /** The value for a YAML name, or null. */
    public static BucketLookup fromYaml(String name) {
      for (BucketLookup b : values()) {
        if (b.yamlName.equals(name)) {
          return b;
        }
      }
      return null;
    }
  }

  /** Server-side encryption requested on every upload ({@code sse_config.type}). */
  public enum Sse {
    NONE,
    SSE_S3,
    SSE_KMS
  }

  private final String bucket;
  private final String endpoint;
  private final String region;
  private final boolean insecure;
  private final String accessKey;
  private final String secretKey;
  private final String sessionToken;
  private final BucketLookup bucketLookup;
  private final long partSize;
  private final boolean disableMultipart;
  private final boolean sendContentMd5;
  private final Map<String, String> userMetadata;
  private final String storageClass;
  private final Sse sse;
  private final String kmsKeyId;
  private final Map<String, String> kmsEncryptionContext;
  private final S3HttpConfig http;

  private S3Config(
      Builder b, String region, Map<String, String> userMetadata, String storageClass) {
    this.bucket = b.bucket;
    this.endpoint = b.endpoint;
    this.region = region;
    this.insecure = b.insecure;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.sessionToken = b.sessionToken;
    this.bucketLookup = b.bucketLookup;
    this.partSize = b.partSize;
    this.disableMultipart = b.disableMultipart;
    this.sendContentMd5 = b.sendContentMd5;
    this.userMetadata = Map.copyOf(userMetadata);
    this.storageClass = storageClass;
    this.sse = b.sse;
    this.kmsKeyId = b.kmsKeyId;
    this.kmsEncryptionContext = Map.copyOf(b.kmsEncryptionContext);
    this.http = b.http;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String bucket() {
    return bucket;
  }

  /** {@code host[:port]}, or null for AWS' regional endpoint. */
  public String endpoint() {
    return endpoint;
  }

  public String region() {
    return region;
  }

  /** True: plain HTTP to the endpoint. */
  public boolean insecure() {
    return insecure;
  }

  /** Null when the SDK's default credential chain is used. */
  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public String sessionToken() {
    return sessionToken;
  }

  public BucketLookup bucketLookup() {
    return bucketLookup;
  }

  public long partSize() {
    return partSize;
  }

  public boolean disableMultipart() {
    return disableMultipart;
  }

  public boolean sendContentMd5() {
    return sendContentMd5;
  }

  /** {@code put_user_metadata} without the storage class entry. */
  public Map<String, String> userMetadata() {
    return userMetadata;
  }

  /** From {@code put_user_metadata: {X-Amz-Storage-Class: ...}} as in Thanos, or null. */
  public String storageClass() {
    return storageClass;
  }

  public Sse sse() {
    return sse;
  }

  public String kmsKeyId() {
    return kmsKeyId;
  }

  public Map<String, String> kmsEncryptionContext() {
    return kmsEncryptionContext;
  }

  public S3HttpConfig http() {
    return http;
  }

  /** True when static credentials come from the config. */
  public boolean hasStaticCredentials() {
    return accessKey != null;
  }

  /** The endpoint as a URI for the SDK's endpoint override, or null for AWS' default. */
  public URI endpointUri() {
    return endpoint == null ? null : URI.create((insecure ? "http://" : "https://") + endpoint);
  }

  /** For logs: the endpoint URI, or AWS' regional host. Never credentials. */
  public String endpointDescription() {
    URI u = endpointUri();
    return u != null ? u.toString() : "https://s3." + region + ".amazonaws.com";
  }

  /** {@link #bucketLookup()} resolved: true for path-style addressing (see the class comment). */
  public boolean pathStyle() {
    switch (bucketLookup) {
      case PATH:
        return true;
      case VIRTUAL_HOSTED:
        return false;
      default:
        if (bucket.contains(".")) {
          return true;
        }
        if (endpoint == null) {
          return false;
        }
        String host = hostOf(endpoint);
        return host.startsWith("[")
            || IPV4.matcher(host).matches()
            || host.equalsIgnoreCase("localhost")
            || !host.equals(endpoint);
    }
  }

  /** {@code endpoint} without {@code :port}; IPv6 literals keep their brackets. */
  private static String hostOf(String endpoint) {
    if (endpoint.startsWith("[")) {
      int end = endpoint.indexOf(']');
      return end < 0 ? endpoint : endpoint.substring(0, end + 1);
    }
    int colon = endpoint.lastIndexOf(':');
    return colon < 0 ? endpoint : endpoint.substring(0, colon);
  }

  @Override
  public String toString() {
    return "S3Config{bucket="
        + bucket
        + ", endpoint="
        + endpointDescription()
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle()
        + ", credentials="
        + (hasStaticCredentials() ? "static" : "default chain")
        + ", partSize="
        + partSize
        + ", disableMultipart="
        + disableMultipart
        + ", sse="
        + sse
        + "}";
  }

  /** Mutable; {@link #build()} validates. Unset values take Thanos' defaults. */
  public static final class Builder {
    private String bucket;
    private String endpoint;
    private String region;
    private boolean insecure;
    private String accessKey;
    private String secretKey;
    private String sessionToken;
    private BucketLookup bucketLookup = BucketLookup.AUTO;
    private long partSize = DEFAULT_PART_SIZE;
    private boolean disableMultipart;
    private boolean sendContentMd5 = true;
    private Map<String, String> userMetadata = Map.of();
    private Sse sse = Sse.NONE;
    private String kmsKeyId;
    private Map<String, String> kmsEncryptionContext = Map.of();
    private S3HttpConfig http = S3HttpConfig.DEFAULT;

    private Builder() {}

    public Builder bucket(String v) {
      bucket = emptyToNull(v);
      return this;
    }

    /**
     * {@code host[:port]} without a scheme ({@link #insecure} picks http); null or empty for AWS.
     */
    public Builder endpoint(String v) {
      endpoint = emptyToNull(v);
      return this;
    }

    /**
     * Null or empty: the region in an AWS regional endpoint ({@code s3.eu-west-1.amazonaws.com}),
     * else {@value S3Config#DEFAULT_REGION}. (Thanos' client discovers the region; the SDK must
     * sign for the right one up front.)
     */
    public Builder region(String v) {
      region = emptyToNull(v);
      return this;
    }

    public Builder insecure(boolean v) {
      insecure = v;
      return this;
    }

    public Builder accessKey(String v) {
      accessKey = emptyToNull(v);
      return this;
    }

    public Builder secretKey(String v) {
      secretKey = emptyToNull(v);
      return this;
    }

    public Builder sessionToken(String v) {
      sessionToken = emptyToNull(v);
      return this;
    }

    public Builder bucketLookup(BucketLookup v) {
      bucketLookup = Objects.requireNonNull(v);
      return this;
    }

    public Builder partSize(long v) {
      partSize = v;
      return this;
    }

    public Builder disableMultipart(boolean v) {
      disableMultipart = v;
      return this;
    }

    public Builder sendContentMd5(boolean v) {
      sendContentMd5 = v;
      return this;
    }

    public Builder userMetadata(Map<String, String> v) {
      userMetadata = Objects.requireNonNull(v);
      return this;
    }

    public Builder sse(Sse type, String kmsKeyId, Map<String, String> kmsEncryptionContext) {
      this.sse = Objects.requireNonNull(type);
      this.kmsKeyId = emptyToNull(kmsKeyId);
      this.kmsEncryptionContext = kmsEncryptionContext == null ? Map.of() : kmsEncryptionContext;
      return this;
    }

    public Builder http(S3HttpConfig v) {
      http = Objects.requireNonNull(v);
      return this;
    }

    public S3Config build() throws ObjstoreConfigException {
      if (bucket == null) {
        throw new ObjstoreConfigException("missing bucket: the S3 config needs config.bucket");
      }
      if (accessKey != null && secretKey == null) {
        throw new ObjstoreConfigException(
            "config.access_key is set but config.secret_key is not: set both, "
                + "or neither to use the AWS default credential chain (environment, profile, IAM role)");
      }
      if (accessKey == null && secretKey != null) {
        throw new ObjstoreConfigException(
            "config.secret_key is set but config.access_key is not: set both, "
                + "or neither to use the AWS default credential chain (environment, profile, IAM role)");
      }
      if (sessionToken != null && accessKey == null) {
        throw new ObjstoreConfigException(
            "config.session_token needs config.access_key and config.secret_key");
      }
      if (endpoint != null && (endpoint.contains("://") || endpoint.contains("/"))) {
        throw new ObjstoreConfigException(
            "config.endpoint is host[:port] without a scheme or path (got \""
                + endpoint
                + "\"); use insecure: true for plain http");
      }
      if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
        throw new ObjstoreConfigException(
            "config.part_size "
                + partSize
                + " is outside S3's part size range ["
                + MIN_PART_SIZE
                + " (5 MiB), "
                + MAX_PART_SIZE
                + " (5 GiB)]");
      }
      if (sse == Sse.SSE_KMS && kmsKeyId == null) {
        throw new ObjstoreConfigException(
            "config.sse_config.kms_key_id must be set when sse_config.type is SSE-KMS");
      }
      String effectiveRegion = region;
      if (effectiveRegion == null) {
        Matcher m = endpoint == null ? null : AWS_REGIONAL.matcher(endpoint);
        effectiveRegion = m != null && m.matches() ? m.group(1) : DEFAULT_REGION;
      }
      Map<String, String> meta = new LinkedHashMap<>(userMetadata);
      String storageClass = null;
      for (var it = meta.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().toLowerCase(Locale.ROOT).equals(STORAGE_CLASS_META)) {
          storageClass = e.getValue();
          it.remove();
        }
      }
      return new S3Config(this, effectiveRegion, meta, storageClass);
    }

    private static String emptyToNull(String v) {
      return v == null || v.isEmpty() ? null : v;
    }
  }
}
