package io.rwgateway.gateway;

import io.rwgateway.query.ClientTls;
import io.rwgateway.query.EndpointConfigFile;
import io.rwgateway.query.EndpointSet;
import io.rwgateway.query.EndpointSpec;
import io.rwgateway.queryapi.QueryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code gateway query} runs with, checked ({@link QueryCommand}).
 *
 * @param endpoints the endpoint specs of the flags and the inline endpoint config
 * @param endpointConfigFile the endpoint config file, reloaded; null without one
 * @param sdFiles file SD files ({@code --store.sd-files}), globs allowed in the file name
 * @param sdInterval how often the files are read again when they look unchanged
 * @param dnsInterval how often {@code dns+} / {@code dnssrv+} specs are resolved again
 * @param endpointOptions Info poll interval, unhealthy timeout, Info and StoreAPI call deadlines
 * @param clientTls TLS towards the endpoints, or null for plaintext
 * @param replicaLabels labels along which HA replicas are deduplicated by default
 * @param partialResponse the default of the {@code partial_response} parameter
 * @param grpcTls the gRPC server's TLS (a null certificate: plaintext)
 * @param routePrefix prefix of the API paths ({@code --web.route-prefix}), "" for none
 * @param flags what {@code /api/v1/status/flags} shows
 */
record QueryConfig(
    List<EndpointSpec> endpoints,
    EndpointConfigFile endpointConfigFile,
    List<Path> sdFiles,
    Duration sdInterval,
    Duration dnsInterval,
    EndpointSet.Options endpointOptions,
    ClientTls clientTls,
    List<String> replicaLabels,
    boolean partialResponse,
    QueryOptions query,
    long storeSeriesLimit,
    long storeSamplesLimit,
    String httpAddress,
    String grpcAddress,
    StoreGrpcServer.Tls grpcTls,
    String routePrefix,
    Map<String, String> flags) {
  QueryConfig {
    endpoints = List.copyOf(endpoints);
    sdFiles = List.copyOf(sdFiles);
    replicaLabels = List.copyOf(replicaLabels);
    flags = Map.copyOf(flags);
  }

  /** The same with another Info poll interval (tests: Thanos polls every 5 s, fixed). */
  QueryConfig withPollInterval(Duration interval) {
    EndpointSet.Options o = endpointOptions;
    return new QueryConfig(
        endpoints,
        endpointConfigFile,
        sdFiles,
        sdInterval,
        dnsInterval,
        new EndpointSet.Options(interval, o.unhealthyTimeout(), o.infoTimeout(), o.queryTimeout()),
        clientTls,
        replicaLabels,
        partialResponse,
        query,
        storeSeriesLimit,
        storeSamplesLimit,
        httpAddress,
        grpcAddress,
        grpcTls,
        routePrefix,
        flags);
  }
}
