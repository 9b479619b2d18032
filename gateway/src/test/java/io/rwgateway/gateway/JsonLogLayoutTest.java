package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code --log.format=json}: one JSON object per line, whatever the message holds. */
class JsonLogLayoutTest {
  @Test
  void oneObjectPerLineWithThanosKeys() throws Exception {
    LoggerContext ctx = new LoggerContext();
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(ctx);
    layout.start();
    LoggingEvent e =
        new LoggingEvent(
            "x",
            ctx.getLogger("io.rwgateway.gateway.SidecarServer"),
            Level.WARN,
            "quote \" backslash \\ newline \n tab \t {}",
            new IllegalStateException("boom"),
            new Object[] {"arg"});
    e.setTimeStamp(1_700_000_000_123L);
    String line = layout.doLayout(e);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
    JsonNode n = new ObjectMapper().readTree(line);
    assertEquals("2023-11-14T22:13:20.123Z", n.get("ts").asText());
    assertEquals("warn", n.get("level").asText());
    assertEquals("SidecarServer", n.get("caller").asText());
    assertEquals("quote \" backslash \\ newline \n tab \t arg", n.get("msg").asText());
    assertTrue(n.get("err").asText().startsWith("java.lang.IllegalStateException: boom"));
  }
}
