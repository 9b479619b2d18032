package io.rwgateway.queryapi;

/**
 * What {@code /api/v1/status/buildinfo} answers, Prometheus' fields.
 *
 * <p>NOTE: {@code version} is the Prometheus version whose HTTP API and PromQL the gateway answers
 * as, not the gateway's own: clients choose features by it (Grafana reads it to decide, for
 * example, which label and metadata calls it may make), and the gateway behaves as that version.
 * The gateway's own name and version go in {@code revision} and {@code branch}.
 */
public record BuildInfo(
    String version,
    String revision,
    String branch,
    String buildUser,
    String buildDate,
    String goVersion) {
  /** The Prometheus version the API and PromQL match (see docs/promql.md). */
  public static final String PROMETHEUS_VERSION = "2.42.0";

  /**
   * The gateway's build info: {@code gatewayVersion} (the jar's version, or "dev" when run from
   * classes) in {@code revision}, "rwgateway" as the branch, the Java runtime where Prometheus
   * names its Go version; build user and date are not recorded by the build, so they are empty.
   */
  public static BuildInfo ofGateway(String gatewayVersion) {
    return new BuildInfo(
        PROMETHEUS_VERSION,
        "rwgateway-" + gatewayVersion,
        "rwgateway",
        "",
        "",
        "java" + Runtime.version());
  }
}
