package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gateway sidecar}'s command line: Thanos' flags, as the Prometheus Operator passes them.
 */
class SidecarFlagsTest {
  private static SidecarCommand parse(String... args) {
    SidecarCommand cmd = new SidecarCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void defaultsAreThanos() {
    SidecarConfig c = parse().config();
    assertEquals("http://localhost:9090", c.prometheusUrl());
    assertEquals("0.0.0.0:10901", c.grpcAddress());
    assertEquals("0.0.0.0:10902", c.httpAddress());
    assertEquals(Path.of("./data"), c.tsdbPath());
    assertEquals("thanos.shipper.json", c.shipperMetaFileName());
    assertEquals(Duration.ofSeconds(30), c.configInterval());
    assertEquals(Duration.ofMinutes(10), c.readyTimeout());
    assertNull(c.objstore(), "no bucket: nothing is shipped, as in Thanos");
    assertFalse(c.uploadCompacted());
    assertEquals(-62_167_219_200_000L, c.minTime().at(0), "0000-01-01T00:00:00Z");
  }

  @Test
  void theOperatorsArgumentsWork() {
    // What the Prometheus Operator generates for its thanos-sidecar container (v0.7x).
    SidecarCommand cmd =
        parse(
            "--prometheus.url=http://localhost:9090/",
            "--prometheus.http-client={\"tls_config\": {\"insecure_skip_verify\":true}}",
            "--grpc-address=:10901",
            "--http-address=:10902",
            "--log.level=info",
            "--log.format=logfmt",
            "--tsdb.path=/prometheus",
            "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: /tmp/bucket\n",
            "--shipper.upload-compacted",
            "--min-time=-2h",
            "--reloader.config-file=/etc/prometheus/config/prometheus.yaml.gz",
            "--reloader.watch-interval",
            "3m",
            "--no-shipper.skip-corrupted-blocks");
    SidecarConfig c = cmd.config();
    assertEquals(":10901", c.grpcAddress());
    assertEquals(Path.of("/prometheus"), c.tsdbPath());
    assertTrue(c.uploadCompacted());
    assertEquals(1_000_000_000L - 7_200_000L, c.minTime().at(1_000_000_000L));
    assertTrue(c.httpClientYaml().contains("insecure_skip_verify"));
    assertEquals(
        List.of("reloader.config-file", "reloader.watch-interval", "shipper.skip-corrupted-blocks"),
        SidecarCommand.IGNORED.check(cmd.unmatched));
  }

  @Test
  void aTypoIsAnErrorNotAWarning() {
    SidecarCommand cmd = parse("--prometheus.urll=http://x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SidecarCommand.IGNORED.check(cmd.unmatched));
    assertEquals("unknown flag --prometheus.urll", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SidecarCommand.IGNORED.check(List.of("--reloader.method")),
        "a value flag without its value");
  }

  @Test
  void minTimeIsATimeOrADurationFromNow() {
    assertEquals(
        1_704_207_845_000L,
        ThanosTime.parse("--min-time", "2024-01-02T15:04:05Z").at(123),
        "fixed, whatever the clock");
    assertEquals(
        1_704_207_845_000L, ThanosTime.parse("--min-time", "2024-01-02T16:04:05+01:00").at(0));
    assertEquals(10_000 - 86_400_000L, ThanosTime.parse("--min-time", "-1d").at(10_000));
    assertEquals(10_000 + 9_900_000L, ThanosTime.parse("--min-time", "2h45m").at(10_000));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ThanosTime.parse("--min-time", "yesterday"));
    assertTrue(e.getMessage().startsWith("--min-time \"yesterday\""), e.getMessage());
  }

  @Test
  void badCombinationsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> parse("--grpc-server-tls-cert=/c.pem").config(),
        "a certificate without its key");
    assertThrows(
        IllegalArgumentException.class,
        () -> parse("--objstore.config=type: FILESYSTEM", "--objstore.config-file=/x").config());
    assertThrows(
        IllegalArgumentException.class, () -> parse("--shipper.meta-file-name=a/b").config());
    assertThrows(IllegalArgumentException.class, () -> Logging.setFormat("xml"));
  }
}
