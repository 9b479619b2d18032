package io.rwgateway.wal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Captures the WAL's log lines (INFO and up) during each test: {@code @RegisterExtension}. */
final class WalLogCapture implements BeforeEachCallback, AfterEachCallback {
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger walLogger = (Logger) LoggerFactory.getLogger(Wal.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    logged.list.clear();
    logged.start();
    walLogger.addAppender(logged);
    walLogger.setLevel(Level.INFO);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    walLogger.detachAppender(logged);
    walLogger.setLevel(null);
  }

  /** Messages logged at {@code level} so far in this test. */
  List<String> messages(Level level) {
    return logged.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
