package io.rwgateway.uploader;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one class logs (INFO and up) while open. */
final class ShipLogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  ShipLogCapture(Class<?> loggerClass) {
    logger = (Logger) LoggerFactory.getLogger(loggerClass);
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
  }

  /** The formatted messages at {@code level} that contain {@code text}. */
  List<String> lines(Level level, String text) {
    List<String> out = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent e : new ArrayList<>(appender.list)) {
        if (e.getLevel().equals(level) && e.getFormattedMessage().contains(text)) {
          out.add(e.getFormattedMessage());
        }
      }
    }
    return out;
  }

  /** Every formatted message at WARN or ERROR. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent e : new ArrayList<>(appender.list)) {
        if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
          out.add(e.getLevel() + " " + e.getFormattedMessage());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
