package io.rwgateway.gateway;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code --log.format=json}: one JSON object per line with the keys Thanos' JSON logs have ({@code
 * ts}, {@code level}, {@code caller}, {@code msg}), plus {@code thread} and, for a failure, {@code
 * err} with the stack trace.
 */
final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  @Override
  public String doLayout(ILoggingEvent e) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", TS.format(Instant.ofEpochMilli(e.getTimeStamp())));
      g.writeStringField("level", e.getLevel().toString().toLowerCase(Locale.ROOT));
      String logger = e.getLoggerName();
      g.writeStringField("caller", logger.substring(logger.lastIndexOf('.') + 1));
      g.writeStringField("thread", e.getThreadName());
      g.writeStringField("msg", e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        g.writeStringField("err", ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      g.writeEndObject();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.append(CoreConstants.LINE_SEPARATOR).toString();
  }
}
