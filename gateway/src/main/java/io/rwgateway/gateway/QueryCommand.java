package io.rwgateway.gateway;

import io.rwgateway.model.PromDuration;
import io.rwgateway.query.ClientTls;
import io.rwgateway.query.DnsResolver;
import io.rwgateway.query.EndpointConfig;
import io.rwgateway.query.EndpointConfigFile;
import io.rwgateway.query.EndpointSet;
import io.rwgateway.query.EndpointSpec;
import io.rwgateway.queryapi.QueryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gateway query}: fan out over StoreAPI endpoints, answer PromQL over HTTP and serve the
 * StoreAPI itself, as Thanos Query does, under its flag names; see docs/query.md.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description =
        "Query node: read StoreAPI endpoints (Thanos' or ours), merge and deduplicate them, answer "
            + "the Prometheus HTTP API and serve the StoreAPI. Flags are Thanos Query's.")
final class QueryCommand extends ThanosRoleCommand<QueryConfig> {
  private static final Logger log = LoggerFactory.getLogger(QueryCommand.class);

  /** Thanos Query flags accepted with a WARN line and no effect. */
  static final IgnoredThanosFlags IGNORED =
      new IgnoredThanosFlags(
          Set.of(
              "web.external-prefix",
              "web.prefix-header",
              "query.promql-engine",
              "query.mode",
              "query.max-concurrent-select",
              "query.conn-metric.label",
              "deduplication.func",
              "query.partition-label",
              "query.instant.default.max_source_resolution",
              "query.metadata.default-time-range",
              "query.default-evaluation-interval",
              "query.default-step",
              "query.active-query-path",
              "query.lazy-retrieval-max-buffered-responses",
              "query.telemetry.request-duration-seconds-quantiles",
              "query.telemetry.request-samples-quantiles",
              "query.telemetry.request-series-seconds-quantiles",
              "query.tenant-header",
              "query.default-tenant-id",
              "query.tenant-certificate-field",
              "query.tenant-label-name",
              "selector-label",
              "selector.relabel-config",
              "selector.relabel-config-file",
              "enable-feature",
              "alert.query-url",
              "grpc.proxy-strategy",
              "store.sd-dns-resolver",
              "endpoint-group",
              "endpoint-group-strict",
              "inject-test-addresses",
              "rule",
              "metadata",
              "exemplar",
              "target",
              "log.request.decision",
              "request.logging-config",
              "request.logging-config-file",
              "tracing.config",
              "tracing.config-file",
              "http.config",
              "http-grace-period",
              "grpc-grace-period",
              "grpc-server-max-connection-age",
              "grpc-server-tls-min-version",
              "grpc-server-tls-ciphers",
              "grpc-server-tls-curves",
              "grpc-client-tls-min-version",
              "grpc-compression",
              "auto-gomemlimit.ratio",
              "debug.name"),
          Set.of(
              "query.auto-downsampling",
              "query.dynamic-lookback-delta",
              "query.disable-fallback",
              "query.enable-x-functions",
              "query.distributed-with-overlapping-interval",
              "query.enforce-tenancy",
              "rule.partial-response",
              "target.partial-response",
              "metric-metadata.partial-response",
              "exemplar.partial-response",
              "status.partial-response",
              "web.disable-cors",
              "enable-auto-gomemlimit"));

  @Option(
      names = {"--endpoint", "--store"},
      paramLabel = "<endpoint>",
      description =
          "StoreAPI address, repeatable: host:port, dns+host:port (every A/AAAA address) or "
              + "dnssrv+_service._proto.name (SRV records). --store is Thanos' old name.")
  List<String> endpoints = new ArrayList<>();

  @Option(
      names = {"--endpoint-strict", "--store-strict"},
      paramLabel = "<endpoint>",
      description =
          "The same, kept and polled whatever its health (every plain host:port is, here); "
              + "queried only while its Info succeeds.")
  List<String> strictEndpoints = new ArrayList<>();

  @Option(
      names = "--endpoint.sd-config-file",
      paramLabel = "<file>",
      description =
          "Thanos' endpoint config (YAML: endpoints: [{address: ...}]), for its addresses; read "
              + "again every --endpoint.sd-config-reload-interval.")
  Path endpointConfigFile;

  @Option(
      names = "--endpoint.sd-config",
      paramLabel = "<yaml>",
      description = "The same YAML inline.")
  String endpointConfig;

  @Option(
      names = "--endpoint.sd-config-reload-interval",
      defaultValue = "5m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description = "How often --endpoint.sd-config-file is read again. Default: ${DEFAULT-VALUE}.")
  Duration endpointConfigReload;

  @Option(
      names = "--store.sd-files",
      paramLabel = "<path>",
      description =
          "File SD file (Prometheus' file_sd format, YAML or JSON) listing endpoints, repeatable; "
              + "a glob in the file name is allowed. Read again when it changes.")
  List<Path> sdFiles = new ArrayList<>();

  @Option(
      names = "--store.sd-interval",
      defaultValue = "5m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "Files are read again at least this often, changed or not. Default: ${DEFAULT-VALUE}.")
  Duration sdInterval;

  @Option(
      names = "--store.sd-dns-interval",
      defaultValue = "30s",
      converter = Durations.class,
      paramLabel = "<duration>",
      description = "Interval between DNS resolutions. Default: ${DEFAULT-VALUE}.")
  Duration dnsInterval;

  @Option(
      names = "--store.unhealthy-timeout",
      defaultValue = "5m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "A discovered endpoint whose Info fails this long is removed. Default: ${DEFAULT-VALUE}.")
  Duration unhealthyTimeout;

  @Option(
      names = "--endpoint.info-timeout",
      defaultValue = "5s",
      converter = Durations.class,
      paramLabel = "<duration>",
      description = "Deadline of an Info call. Default: ${DEFAULT-VALUE}.")
  Duration infoTimeout;

  @Option(
      names = "--store.response-timeout",
      defaultValue = "0ms",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "Deadline of one StoreAPI call to an endpoint (the whole Series stream); 0 = the query "
              + "timeout. Default: ${DEFAULT-VALUE}.")
  Duration storeResponseTimeout;

  @Option(
      names = "--query.replica-label",
      split = ",",
      paramLabel = "<label>",
      description =
          "Label telling HA replicas apart, repeatable or comma separated: series equal but for "
              + "it are merged (dedup=false in a request turns that off).")
  List<String> replicaLabels = new ArrayList<>();

  @Option(
      names = "--query.partial-response",
      description =
          "Answer with the endpoints that did answer, and a warning, when some fail; a request's "
              + "partial_response overrides it. On by default.")
  boolean partialResponseOn;

  @Option(
      names = "--no-query.partial-response",
      description = "Fail a query when an endpoint fails (unless the request says otherwise).")
  boolean partialResponseOff;

  @Mixin PromqlFlags promql = new PromqlFlags();

  @Mixin StoreLimitsFlags storeLimits = new StoreLimitsFlags();

  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:10902",
      paramLabel = "<host:port>",
      description =
          "Listen address of the Prometheus API, /api/v1/stores, /metrics, /-/healthy and "
              + "/-/ready. Default: ${DEFAULT-VALUE}.")
  String httpAddress;

  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      paramLabel = "<path>",
      description =
          "Prefix of the API paths (/prefix/api/v1/query); /metrics and /-/* stay at the root.")
  String routePrefix;

  @Option(
      names = "--grpc-address",
      defaultValue = "0.0.0.0:10901",
      paramLabel = "<host:port>",
      description =
          "Listen address of this node's own StoreAPI and Info (gRPC). Default: ${DEFAULT-VALUE}.")
  String grpcAddress;

  @Mixin GrpcServerTlsFlags serverTls = new GrpcServerTlsFlags();

  @Option(names = "--grpc-client-tls-secure", description = "Use TLS towards the endpoints.")
  boolean clientTlsSecure;

  @Option(
      names = "--grpc-client-tls-skip-verify",
      description = "With TLS, accept any server certificate.")
  boolean clientTlsSkipVerify;

  @Option(
      names = "--grpc-client-tls-cert",
      paramLabel = "<file>",
      description = "Client certificate (PEM) presented to the endpoints.")
  Path clientTlsCert;

  @Option(
      names = "--grpc-client-tls-key",
      paramLabel = "<file>",
      description = "Its private key (PEM, PKCS#8).")
  Path clientTlsKey;

  @Option(
      names = "--grpc-client-tls-ca",
      paramLabel = "<file>",
      description = "CA (PEM) endpoint certificates must chain to; default: the JDK's CAs.")
  Path clientTlsCa;

  @Option(
      names = "--grpc-client-server-name",
      defaultValue = "",
      paramLabel = "<name>",
      description = "Name endpoint certificates must carry; default: the address' host.")
  String clientServerName;

  @Override
  IgnoredThanosFlags ignored() {
    return IGNORED;
  }

  @Override
  RoleServer start(QueryConfig config) throws Exception {
    return QueryServer.start(config);
  }

  @Override
  QueryConfig config() {
    StoreGrpcServer.Tls grpcTls = serverTls.tls();
    List<EndpointSpec> specs = new ArrayList<>();
    for (String e : endpoints) {
      specs.add(EndpointSpec.parse(e));
    }
    for (String e : strictEndpoints) {
      specs.add(EndpointSpec.parse(e));
    }
    specs.addAll(endpointConfig());
    EndpointConfigFile configFile = endpointConfigFile();
    for (EndpointSpec s : specs) {
      if ((s.kind() == EndpointSpec.Kind.DNS_SRV || s.kind() == EndpointSpec.Kind.DNS_SRV_NO_A)
          && !DnsResolver.srvAvailable()) {
        throw new IllegalArgumentException(
            "endpoint \"" + s.text() + "\": SRV lookups need the JDK module jdk.naming.dns");
      }
    }
    if (specs.isEmpty() && configFile == null && sdFiles.isEmpty()) {
      log.warn("no endpoints given (--endpoint, --store.sd-files): every query answers empty");
    }
    storeLimits.check();
    if (!routePrefix.isEmpty() && !routePrefix.startsWith("/")) {
      routePrefix = "/" + routePrefix;
    }
    if (routePrefix.endsWith("/")) {
      routePrefix = routePrefix.substring(0, routePrefix.length() - 1);
    }
    QueryOptions query = promql.options();
    Duration storeTimeout =
        storeResponseTimeout.isZero()
            ? Duration.ofMillis(query.timeoutMillis())
            : storeResponseTimeout;
    return new QueryConfig(
        specs,
        configFile,
        sdFiles,
        sdInterval,
        dnsInterval,
        new EndpointSet.Options(
            EndpointSet.Options.defaults().pollInterval(),
            unhealthyTimeout,
            infoTimeout,
            storeTimeout),
        clientTls(),
        replicaLabels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList(),
        !partialResponseOff,
        query,
        storeLimits.series,
        storeLimits.samples,
        httpAddress,
        grpcAddress,
        grpcTls,
        routePrefix,
        flags(query));
  }

  /** The inline endpoint config's endpoints; none without one. */
  private List<EndpointSpec> endpointConfig() {
    if (endpointConfig != null && endpointConfigFile != null) {
      throw new IllegalArgumentException(
          "give --endpoint.sd-config or --endpoint.sd-config-file, not both");
    }
    if (endpointConfig == null) {
      return List.of();
    }
    EndpointConfig c = EndpointConfig.parse(endpointConfig);
    for (String key : c.ignored()) {
      log.warn("endpoint config key accepted for compatibility, no effect here key={}", key);
    }
    return c.endpoints();
  }

  /** The endpoint config file, read now (a bad one fails the start); null without one. */
  private EndpointConfigFile endpointConfigFile() {
    if (endpointConfigFile == null) {
      return null;
    }
    try {
      return new EndpointConfigFile(
          endpointConfigFile, endpointConfigReload, System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint.sd-config-file: " + e.getMessage(), e);
    }
  }

  private ClientTls clientTls() {
    boolean files = clientTlsCert != null || clientTlsKey != null || clientTlsCa != null;
    if (!clientTlsSecure) {
      if (files || clientTlsSkipVerify || !clientServerName.isEmpty()) {
        // As Thanos: without --grpc-client-tls-secure the others are not used.
        log.warn("--grpc-client-tls-* given without --grpc-client-tls-secure: plaintext is used");
      }
      return null;
    }
    if ((clientTlsCert == null) != (clientTlsKey == null)) {
      throw new IllegalArgumentException(
          "--grpc-client-tls-cert and --grpc-client-tls-key go together");
    }
    return new ClientTls(
        clientTlsSkipVerify, clientTlsCert, clientTlsKey, clientTlsCa, clientServerName);
  }

  /** What /api/v1/status/flags shows: the flags that shape answers (no secrets among them). */
  private Map<String, String> flags(QueryOptions query) {
    Map<String, String> f = new LinkedHashMap<>(query.flags());
    f.put("query.replica-label", String.join(",", replicaLabels));
    f.put("query.partial-response", Boolean.toString(!partialResponseOff));
    f.put("store.sd-interval", PromDuration.format(sdInterval.toMillis()));
    f.put("store.sd-dns-interval", PromDuration.format(dnsInterval.toMillis()));
    f.put("store.unhealthy-timeout", PromDuration.format(unhealthyTimeout.toMillis()));
    f.put("store.response-timeout", PromDuration.format(storeResponseTimeout.toMillis()));
    f.put("endpoint.info-timeout", PromDuration.format(infoTimeout.toMillis()));
    f.put(
        "endpoint.sd-config-reload-interval", PromDuration.format(endpointConfigReload.toMillis()));
    f.put("web.route-prefix", routePrefix);
    return f;
  }
}
