package io.rwgateway.gateway;

import io.rwgateway.uploader.ObjstoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gateway sidecar}: next to a Prometheus, ship the blocks it writes and serve its data over
 * the StoreAPI, as the Thanos sidecar does. The flags are Thanos' (the Prometheus Operator
 * generates them); see docs/sidecar.md.
 */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description =
        "Run next to a Prometheus server: ship its TSDB blocks to the bucket and serve its data over "
            + "the Thanos StoreAPI through Prometheus' remote read. Flags are the Thanos sidecar's.")
final class SidecarCommand extends ThanosRoleCommand<SidecarConfig> {

  /** Thanos sidecar flags accepted with a WARN line and no effect. */
  static final IgnoredThanosFlags IGNORED =
      new IgnoredThanosFlags(
          Set.of(
              "http-grace-period",
              "prometheus.get_config_timeout",
              "grpc-grace-period",
              "grpc-server-max-connection-age",
              "grpc-server-tls-min-version",
              "grpc-server-tls-ciphers",
              "grpc-server-tls-curves",
              "reloader.config-file",
              "reloader.config-envsubst-file",
              "reloader.rule-dir",
              "reloader.watch-interval",
              "reloader.retry-interval",
              "reloader.method",
              "reloader.process-name",
              "shipper.upload-concurrency",
              "tracing.config",
              "tracing.config-file",
              "request.logging-config",
              "request.logging-config-file",
              "auto-gomemlimit.ratio",
              "debug.name",
              "hash-func"),
          Set.of(
              "shipper.skip-corrupted-blocks",
              "shipper.allow-out-of-order-uploads",
              "enable-auto-gomemlimit",
              "web.disable-cors"));

  @Option(
      names = "--prometheus.url",
      defaultValue = "http://localhost:9090",
      paramLabel = "<url>",
      description = "URL of the Prometheus this sidecar serves. Default: ${DEFAULT-VALUE}.")
  String prometheusUrl;

  @Option(
      names = "--prometheus.http-client",
      paramLabel = "<yaml>",
      description =
          "HTTP client settings for Prometheus as Thanos reads them (basic_auth, bearer_token, "
              + "tls_config, ...), YAML or JSON inline.")
  String prometheusHttpClient;

  @Option(
      names = "--prometheus.http-client-file",
      paramLabel = "<file>",
      description = "The same settings from a file.")
  Path prometheusHttpClientFile;

  @Option(
      names = "--prometheus.ready_timeout",
      defaultValue = "10m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "How long to wait for Prometheus to be ready at start before giving up. Default: ${DEFAULT-VALUE}.")
  Duration readyTimeout;

  @Option(
      names = "--prometheus.get_config_interval",
      defaultValue = "30s",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "How often Prometheus' external labels are read again. Default: ${DEFAULT-VALUE}.")
  Duration configInterval;

  @Option(
      names = "--tsdb.path",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description =
          "Prometheus' data directory (its --storage.tsdb.path). Default: ${DEFAULT-VALUE}.")
  Path tsdbPath;

  @Option(
      names = "--grpc-address",
      defaultValue = "0.0.0.0:10901",
      paramLabel = "<host:port>",
      description = "Listen address of the StoreAPI and Info (gRPC). Default: ${DEFAULT-VALUE}.")
  String grpcAddress;

  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:10902",
      paramLabel = "<host:port>",
      description =
          "Listen address of /metrics, /-/healthy and /-/ready. Default: ${DEFAULT-VALUE}.")
  String httpAddress;

  @Mixin GrpcServerTlsFlags tls = new GrpcServerTlsFlags();

  @Option(
      names = "--objstore.config-file",
      paramLabel = "<file>",
      description =
          "Bucket (Thanos objstore YAML). Without it and without --objstore.config nothing is "
              + "shipped, as in Thanos.")
  Path objstoreConfigFile;

  @Option(names = "--objstore.config", paramLabel = "<yaml>", description = "The same YAML inline.")
  String objstoreConfig;

  @Option(
      names = "--shipper.upload-compacted",
      description =
          "Also ship blocks Prometheus compacted (level 2 and up), for a Prometheus that has run "
              + "without a sidecar. Prometheus must then not compact further: see docs/sidecar.md.")
  boolean uploadCompacted;

  @Option(
      names = "--shipper.ignore-unequal-block-size",
      description = "Start even when Prometheus' min and max block durations differ (it compacts).")
  boolean ignoreUnequalBlockSize;

  @Option(
      names = "--shipper.meta-file-name",
      defaultValue = "thanos.shipper.json",
      paramLabel = "<name>",
      description = "Name of the shipper's state file in --tsdb.path. Default: ${DEFAULT-VALUE}.")
  String shipperMetaFileName;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time|duration>",
      description =
          "Serve and ship only data from this time on: RFC 3339, or a duration before now "
              + "(-2h). Default: ${DEFAULT-VALUE}.")
  String minTime;

  @Mixin StoreLimitsFlags storeLimits = new StoreLimitsFlags();

  @Override
  IgnoredThanosFlags ignored() {
    return IGNORED;
  }

  @Override
  RoleServer start(SidecarConfig config) throws Exception {
    return SidecarServer.start(config);
  }

  @Override
  SidecarConfig config() {
    StoreGrpcServer.Tls grpcTls = tls.tls();
    if (shipperMetaFileName.isEmpty() || shipperMetaFileName.contains("/")) {
      throw new IllegalArgumentException(
          "--shipper.meta-file-name must be a file name, not \"" + shipperMetaFileName + "\"");
    }
    storeLimits.check();
    return new SidecarConfig(
        prometheusUrl,
        httpClientYaml(),
        readyTimeout,
        configInterval,
        tsdbPath,
        grpcAddress,
        httpAddress,
        grpcTls,
        objstore(),
        uploadCompacted,
        ignoreUnequalBlockSize,
        shipperMetaFileName,
        ThanosTime.parse("--min-time", minTime),
        storeLimits.series,
        storeLimits.samples);
  }

  private String httpClientYaml() {
    if (prometheusHttpClient != null && prometheusHttpClientFile != null) {
      throw new IllegalArgumentException(
          "give --prometheus.http-client or --prometheus.http-client-file, not both");
    }
    if (prometheusHttpClientFile != null) {
      try {
        return Files.readString(prometheusHttpClientFile);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(
            "--prometheus.http-client-file: cannot read " + prometheusHttpClientFile + ": " + e, e);
      }
    }
    return prometheusHttpClient == null ? "" : prometheusHttpClient;
  }

  /** Null without a bucket: then nothing is shipped (Thanos: "uploads will be disabled"). */
  private ObjstoreConfig objstore() {
    return ObjstoreFlags.read(objstoreConfigFile, objstoreConfig);
  }
}
