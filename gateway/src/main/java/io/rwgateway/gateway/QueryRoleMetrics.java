package io.rwgateway.gateway;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.query.EndpointDiscovery;
import io.rwgateway.queryapi.PrometheusApi;

/**
 * Thanos Query's own metrics that the mixin uses, read when scraped from what the query role
 * already keeps: the concurrency gate ({@code ThanosQueryOverload} fires when the queries running
 * stay at the maximum) and the DNS lookups of {@code dns+}/{@code dnssrv+} endpoints ({@code
 * ThanosQueryHighDNSFailures}).
 */
final class QueryRoleMetrics {
  private QueryRoleMetrics() {}

  static void register(PrometheusRegistry registry, PrometheusApi api, EndpointDiscovery dns) {
    GaugeWithCallback.builder()
        .name("thanos_query_concurrent_gate_queries_in_flight")
        .help("PromQL queries running now (holding one of the --query.max-concurrent turns).")
        .callback(cb -> cb.call(api.queriesRunning()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("thanos_query_concurrent_gate_queries_max")
        .help("PromQL queries that may run at once (--query.max-concurrent).")
        .callback(cb -> cb.call(api.maxConcurrentQueries()))
        .register(registry);
    CounterWithCallback.builder()
        .name("thanos_query_store_apis_dns_lookups_total")
        .help("DNS lookups of dns+ and dnssrv+ endpoint specs.")
        .callback(cb -> cb.call(dns.dnsLookups()))
        .register(registry);
    CounterWithCallback.builder()
        .name("thanos_query_store_apis_dns_failures_total")
        .help("DNS lookups of endpoint specs that failed (the last addresses are kept).")
        .callback(cb -> cb.call(dns.dnsFailures()))
        .register(registry);
  }
}
