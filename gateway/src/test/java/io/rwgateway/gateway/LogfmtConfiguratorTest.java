package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The gateway's logging set up in code: logfmt lines with quotes escaped, and the levels. */
class LogfmtConfiguratorTest {
  @Test
  void logfmtLinesOnStderrWithGatewayLevels() {
    LoggerContext ctx = new LoggerContext();
    LogfmtConfigurator.apply(ctx);
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    assertEquals(Level.WARN, ctx.getLogger("io.netty").getLevel());
    assertEquals(Level.WARN, ctx.getLogger("net.openhft").getLevel());
    assertTrue(ctx.getLogger("io.rwgateway.x").isInfoEnabled());
    assertTrue(!ctx.getLogger("io.netty.channel").isInfoEnabled());

    ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertEquals("System.err", stderr.getTarget());
    PatternLayoutEncoder enc = (PatternLayoutEncoder) stderr.getEncoder();
    ch.qos.logback.classic.Logger log = ctx.getLogger("io.rwgateway.gateway.ReceiveServer");
    LoggingEvent e =
        new LoggingEvent(
            "x", log, Level.WARN, "peer \"a\" down: {}", null, new Object[] {"refused"});
    e.setThreadName("main");
    e.setTimeStamp(0);
    String line = new String(enc.encode(e), StandardCharsets.UTF_8);
    assertEquals(
        "ts=1970-01-01T00:00:00.000Z level=WARN caller=ReceiveServer thread=main msg=\"peer \\\"a\\\" down: refused\""
            + System.lineSeparator(),
        line);
    ctx.stop();
  }
}
