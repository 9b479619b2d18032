package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rwgateway.model.Labels;
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
    assertEquals(Labels.of("replica", "a", "cluster", "eu-1"), ExternalLabels.parse(List.of("replica=\"a\"", "cluster=eu-1")));
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
    assertEquals(java.nio.file.Path.of("./data"), c.tsdb().path());
  }
}
