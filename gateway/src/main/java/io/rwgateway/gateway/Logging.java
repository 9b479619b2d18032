package io.rwgateway.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies --log.level and --log.format to logback's root logger. */
final class Logging {
  private Logging() {}

  static void setLevel(String level) {
    Level l = Level.toLevel(level, null);
    if (l == null) {
      throw new IllegalArgumentException(
          "--log.level must be debug, info, warn or error, not \"" + level + "\"");
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(l);
    }
  }

  /**
   * {@code logfmt} (the default set up by {@link LogfmtConfigurator}) or {@code json}. A user's own
   * logback file (which has no STDERR appender of ours) is left as it is.
   */
  static void setFormat(String format) {
    if (format.equals("logfmt")) {
      return;
    }
    if (!format.equals("json")) {
      throw new IllegalArgumentException(
          "--log.format must be logfmt or json, not \"" + format + "\"");
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
        && ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")
            instanceof ConsoleAppender<ILoggingEvent> stderr) {
      JsonLogLayout layout = new JsonLogLayout();
      layout.setContext(ctx);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
      encoder.setContext(ctx);
      encoder.setLayout(layout);
      encoder.start();
      stderr.setEncoder(encoder);
    }
  }
}
