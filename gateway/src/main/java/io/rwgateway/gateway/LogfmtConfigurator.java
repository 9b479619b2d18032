package io.rwgateway.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The gateway's logging setup, in code: logfmt lines on stderr (as Thanos and Prometheus log), INFO
 * for the gateway, WARN for Chronicle and Netty. Logback finds it through {@code META-INF/services}
 * before it looks for XML.
 *
 * <p>NOTE: in code rather than a logback.xml because the XML route loads logback's configuration
 * model and the JDK's XML parser, about 600 classes (metaspace and JIT work that stay for the
 * process' life) for three settings. A user's own file still wins: with {@code
 * -Dlogback.configurationFile=...} (or a {@code logback-test.xml} on the classpath, as in tests)
 * this steps aside and logback reads that file as usual.
 */
public final class LogfmtConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "ts=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} level=%level caller=%logger{0} thread=%thread "
          + "msg=\"%replace(%msg){'\"','\\\\\"'}\"%n%ex";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null
        || LogfmtConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(ctx);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sets up {@code ctx} as the gateway logs: the STDERR appender and the levels. */
  static void apply(LoggerContext ctx) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ctx.getLogger("net.openhft").setLevel(Level.WARN);
    ctx.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
  }
}
