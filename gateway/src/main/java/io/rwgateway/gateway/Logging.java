package io.rwgateway.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies --log.level to logback's root logger. */
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
}
