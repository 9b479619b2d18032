package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.hashring.HashringConfig;
import io.rwgateway.model.Labels;
import io.rwgateway.uploader.ObjstoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FlagParsingTest {
  @Test
  void durations() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofDays(7), Durations.parse("1w"));
    assertEquals(Duration.ZERO, Durations.parse("0"));
    assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("10"));
    assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("m"));
    assertThrows(CommandLine.TypeConversionException.class, () -> Durations.parse("5x"));
  }

  @Test
  void sizes() {
    ByteSizes s = new ByteSizes();
    assertEquals(16 << 20, s.convert("16MiB"));
    assertEquals(512 << 10, s.convert("512KiB"));
    assertEquals(1000, s.convert("1KB"));
    assertEquals(123, s.convert("123"));
    assertThrows(CommandLine.TypeConversionException.class, () -> s.convert("4GiB"));
    assertThrows(CommandLine.TypeConversionException.class, () -> s.convert("lots"));
  }

  @Test
  void externalLabels() {
    assertEquals(
        Labels.of("replica", "a", "cluster", "eu-1"),
        ExternalLabels.parse(List.of("replica=\"a\"", "cluster=eu-1")));
    assertThrows(IllegalArgumentException.class, () -> ExternalLabels.parse(List.of("noequals")));
    assertThrows(IllegalArgumentException.class, () -> ExternalLabels.parse(List.of("a=1", "a=2")));
    assertThrows(IllegalArgumentException.class, () -> ExternalLabels.parse(List.of("bad-name=1")));
  }

  @Test
  void defaultsMatchThanos() {
    ReceiveCommand cmd = new ReceiveCommand();
    new CommandLine(cmd).parseArgs();
    GatewayConfig c = cmd.config();
    assertEquals("0.0.0.0:19291", c.remoteWriteAddress());
    assertEquals("0.0.0.0:10902", c.httpAddress());
    assertEquals("THANOS-TENANT", c.remoteWrite().tenantHeader());
    assertEquals("default-tenant", c.remoteWrite().defaultTenant());
    assertEquals(Path.of("./data"), c.tsdb().path());
    assertEquals(2 * 3_600_000L, c.tsdb().blockDurationMs());
    assertEquals(15 * 24 * 3_600_000L, c.tsdb().retentionMs());
    assertEquals(0, c.tsdb().outOfOrderWindowMs());
    assertEquals(true, c.tsdb().flushOnShutdown());
    assertEquals(ObjstoreConfig.Type.FILESYSTEM, c.objstore().type());
    assertEquals(
        Path.of("./data/bucket").toAbsolutePath().normalize(),
        c.objstore().directory().toAbsolutePath().normalize());
  }

  private static IllegalArgumentException configError(String... args) {
    ReceiveCommand cmd = new ReceiveCommand();
    new CommandLine(cmd).parseArgs(args);
    return assertThrows(IllegalArgumentException.class, cmd::config);
  }

  @Test
  void blockAndObjstoreFlags() {
    ReceiveCommand cmd = new ReceiveCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--tsdb.min-block-duration",
            "30m",
            "--tsdb.max-block-duration",
            "6h",
            "--tsdb.retention",
            "0",
            "--tsdb.out-of-order.time-window",
            "10m",
            "--no-tsdb.flush-on-shutdown",
            "--label",
            "replica=\"a\"",
            "--objstore.config",
            "type: S3\nconfig:\n  bucket: b\n  endpoint: 127.0.0.1:9000\n");
    GatewayConfig c = cmd.config();
    assertEquals(1_800_000L, c.tsdb().blockDurationMs());
    assertEquals(6 * 3_600_000L, c.tsdb().maxBlockDurationMs());
    assertEquals(0, c.tsdb().retentionMs());
    assertEquals(600_000L, c.tsdb().outOfOrderWindowMs());
    assertEquals(false, c.tsdb().flushOnShutdown());
    assertEquals(Labels.of("replica", "a"), c.tsdb().externalLabels());
    assertEquals(ObjstoreConfig.Type.S3, c.objstore().type());
    assertEquals("b", c.objstore().s3().bucket());

    assertTrue(
        configError("--tsdb.min-block-duration", "2h", "--tsdb.max-block-duration", "1h")
            .getMessage()
            .contains("--tsdb.max-block-duration"));
    assertTrue(
        configError("--objstore.config", "type: S3", "--objstore.config-file", "/x.yml")
            .getMessage()
            .contains("not both"));
    assertTrue(
        configError("--objstore.config", "type: S3\nconfig:\n  bucket: b\n  bukket: c\n")
            .getMessage()
            .contains("bukket"));
    assertTrue(
        configError("--objstore.config", "type: GCS\nconfig:\n  bucket: b\n")
            .getMessage()
            .contains("GCS"));
  }

  @Test
  void hashringFlags() {
    ReceiveCommand none = new ReceiveCommand();
    new CommandLine(none).parseArgs();
    assertEquals(null, none.config().routing(), "no hashring: an ingestor");

    ReceiveCommand cmd = new ReceiveCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--receive.hashrings",
            "[{\"endpoints\":[\"a:10901\",\"b:10901\"]}]",
            "--receive.local-endpoint",
            "a:10901",
            "--receive.replication-factor",
            "2",
            "--receive.hashrings-algorithm",
            "hashmod",
            "--receive.grpc-compression",
            "none",
            "--receive-forward-timeout",
            "2s");
    RoutingConfig r = cmd.config().routing();
    assertEquals("a:10901", r.localEndpoint());
    assertEquals(2, r.replicationFactor());
    assertEquals(HashringConfig.Algorithm.HASHMOD, r.defaultAlgorithm());
    assertEquals("identity", r.compression());
    assertEquals(Duration.ofSeconds(2), r.forwardTimeout());

    assertTrue(
        configError("--receive.hashrings", "[]", "--receive.hashrings-file", "/x.json")
            .getMessage()
            .contains("not both"));
    assertTrue(
        configError("--receive.hashrings", "[]", "--receive.hashrings-algorithm", "rendezvous")
            .getMessage()
            .contains("ketama or hashmod"));
    assertTrue(
        configError("--receive.hashrings", "[]", "--receive.replication-factor", "0")
            .getMessage()
            .contains("at least 1"));
    assertTrue(
        configError("--receive.grpc-compression", "zstd")
            .getMessage()
            .contains("snappy, gzip or none"));
  }
}
