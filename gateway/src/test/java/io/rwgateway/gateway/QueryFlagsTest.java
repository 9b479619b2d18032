package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.query.EndpointSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gateway query}'s command line: Thanos Query's flags. */
class QueryFlagsTest {
  private static QueryCommand parse(String... args) {
    QueryCommand cmd = new QueryCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  private static List<String> specs(QueryConfig c) {
    return c.endpoints().stream().map(EndpointSpec::text).toList();
  }

  @Test
  void defaultsAreThanos() {
    QueryConfig c = parse().config();
    assertEquals("0.0.0.0:10902", c.httpAddress());
    assertEquals("0.0.0.0:10901", c.grpcAddress());
    assertEquals(List.of(), c.endpoints());
    assertEquals(Duration.ofMinutes(5), c.sdInterval());
    assertEquals(Duration.ofSeconds(30), c.dnsInterval());
    assertEquals(Duration.ofSeconds(5), c.endpointOptions().pollInterval());
    assertEquals(Duration.ofMinutes(5), c.endpointOptions().unhealthyTimeout());
    assertEquals(Duration.ofSeconds(5), c.endpointOptions().infoTimeout());
    assertEquals(
        Duration.ofMinutes(2),
        c.endpointOptions().queryTimeout(),
        "--store.response-timeout 0: the query timeout");
    assertTrue(c.partialResponse());
    assertEquals(List.of(), c.replicaLabels());
    assertEquals(120_000, c.query().timeoutMillis());
    assertEquals(20, c.query().maxConcurrent());
    assertEquals(300_000, c.query().lookbackMillis());
    assertEquals(50_000_000, c.query().maxSamples());
    assertNull(c.clientTls());
    assertNull(c.grpcTls().cert());
    assertEquals("", c.routePrefix());
  }

  @Test
  void thanosQueryArguments() {
    QueryConfig c =
        parse(
                "--endpoint=a:10901",
                "--store",
                "b:10901",
                "--endpoint=dns+store.ns.svc:10901",
                "--endpoint=dnssrv+_grpc._tcp.store.ns.svc",
                "--store.sd-files=/etc/sd/*.yml",
                "--store.sd-files",
                "/etc/sd/more.json",
                "--store.sd-interval=1m",
                "--store.sd-dns-interval=10s",
                "--query.replica-label=replica",
                "--query.replica-label=prometheus_replica,rule_replica",
                "--no-query.partial-response",
                "--query.timeout=30s",
                "--store.response-timeout=10s",
                "--query.max-concurrent=4",
                "--query.lookback-delta=15m",
                "--web.route-prefix=thanos/",
                "--grpc-client-tls-secure",
                "--grpc-client-tls-ca=/ca.pem",
                "--grpc-client-server-name=store.local",
                "--http-address=:9090",
                "--log.level=debug")
            .config();
    assertEquals(
        List.of("a:10901", "b:10901", "dns+store.ns.svc:10901", "dnssrv+_grpc._tcp.store.ns.svc"),
        specs(c));
    assertEquals(List.of(Path.of("/etc/sd/*.yml"), Path.of("/etc/sd/more.json")), c.sdFiles());
    assertEquals(Duration.ofMinutes(1), c.sdInterval());
    assertEquals(Duration.ofSeconds(10), c.dnsInterval());
    assertEquals(List.of("replica", "prometheus_replica", "rule_replica"), c.replicaLabels());
    assertFalse(c.partialResponse());
    assertEquals(30_000, c.query().timeoutMillis());
    assertEquals(Duration.ofSeconds(10), c.endpointOptions().queryTimeout());
    assertEquals(4, c.query().maxConcurrent());
    assertEquals("/thanos", c.routePrefix());
    assertEquals(Path.of("/ca.pem"), c.clientTls().ca());
    assertEquals("store.local", c.clientTls().serverName());
    assertEquals(":9090", c.httpAddress());
    assertEquals("false", c.flags().get("query.partial-response"));
  }

  @Test
  void endpointConfigAddsItsAddresses() {
    QueryConfig c =
        parse(
                "--endpoint=a:1",
                "--endpoint.sd-config=endpoints:\n"
                    + "  - address: b:2\n"
                    + "    strict: true\n"
                    + "  - address: dns+c:3\n")
            .config();
    assertEquals(List.of("a:1", "b:2", "dns+c:3"), specs(c));
    // The older shape: a list of groups with address lists.
    QueryConfig old =
        parse("--endpoint.sd-config=- endpoints: ['x:1', 'y:2']\n  tls_config: {}\n").config();
    assertEquals(List.of("x:1", "y:2"), specs(old));
  }

  @Test
  void endpointConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("endpoints.yml");
    Files.writeString(file, "endpoints:\n  - address: b:2\n");
    QueryConfig c =
        parse("--endpoint.sd-config-file=" + file, "--endpoint.sd-config-reload-interval=1m")
            .config();
    assertNotNull(c.endpointConfigFile());
    assertEquals("1m", c.flags().get("endpoint.sd-config-reload-interval"));
    Files.writeString(file, "endpoints: [{address: nope}]\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--endpoint.sd-config-file=" + file).config());
    assertTrue(e.getMessage().contains("--endpoint.sd-config-file"), e.getMessage());
  }

  @Test
  void ignoredFlagsAreAcceptedUnknownOnesFail() {
    QueryCommand cmd =
        parse(
            "--query.auto-downsampling",
            "--query.max-concurrent-select=4",
            "--web.external-prefix",
            "/x",
            "--query.conn-metric.label=store_type",
            "--selector-label=a=\"b\"",
            "--alert.query-url=http://q",
            "--query.telemetry.request-duration-seconds-quantiles=0.5",
            "--grpc-grace-period=2m",
            "--tracing.config=type: JAEGER",
            "--query.default-evaluation-interval=1m",
            "--no-web.disable-cors");
    assertEquals(
        List.of(
            "query.auto-downsampling",
            "query.max-concurrent-select",
            "web.external-prefix",
            "query.conn-metric.label",
            "selector-label",
            "alert.query-url",
            "query.telemetry.request-duration-seconds-quantiles",
            "grpc-grace-period",
            "tracing.config",
            "query.default-evaluation-interval",
            "web.disable-cors"),
        QueryCommand.IGNORED.check(cmd.unmatched));
    QueryCommand typo = parse("--query.replica-lable=replica");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> QueryCommand.IGNORED.check(typo.unmatched));
    assertTrue(e.getMessage().contains("--query.replica-lable"), e.getMessage());
    assertThrows(
        CommandLine.ParameterException.class,
        () ->
            QueryCommand.IGNORED.configure(typo.spec, typo.logFlags, typo.unmatched, typo::config));
  }

  @Test
  void badValuesFail() {
    assertThrows(IllegalArgumentException.class, () -> parse("--endpoint=nohost").config());
    assertThrows(IllegalArgumentException.class, () -> parse("--endpoint=http://a:1").config());
    assertThrows(
        IllegalArgumentException.class, () -> parse("--grpc-server-tls-cert=/c.pem").config());
    assertThrows(
        IllegalArgumentException.class,
        () -> parse("--grpc-client-tls-secure", "--grpc-client-tls-cert=/c.pem").config());
    assertThrows(
        IllegalArgumentException.class,
        () -> parse("--endpoint.sd-config=endpoints: {a: 1}").config());
    assertThrows(CommandLine.ParameterException.class, () -> parse("--store.sd-interval=5 min"));
  }

  @Test
  void helpListsTheFlags() {
    StringWriter out = new StringWriter();
    new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("query", "--help");
    String help = out.toString();
    for (String flag :
        List.of(
            "--endpoint",
            "--store.sd-files",
            "--store.sd-dns-interval",
            "--query.replica-label",
            "--no-query.partial-response",
            "--query.timeout",
            "--grpc-client-tls-secure",
            "--grpc-server-tls-cert",
            "--web.route-prefix",
            "--log.format")) {
      assertTrue(help.contains(flag), flag + " in\n" + help);
    }
  }
}
