package io.rwgateway.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide rule for threads that die: an uncaught throwable ends the gateway at once with
 * exit status {@value #EXIT_STATUS} and a last log line naming the thread and the cause. A receiver
 * that keeps running without its WAL writer, block cutter or uploader looks alive to Kubernetes and
 * to Prometheus' retries while it accepts nothing; a restart replays the WAL and loses no
 * acknowledged sample (the same guarantee as after {@code kill -9}).
 *
 * <p>NOTE: {@link Runtime#halt}, not {@link System#exit}: the shutdown hook would close the server,
 * which waits for the very threads that may be dead or stuck; the WAL is already as durable as it
 * is after a kill. Pools whose tasks may fail on their own (request handlers) catch their errors;
 * what reaches this handler is a thread that is gone. {@code bin/gateway} also passes {@code
 * -XX:+ExitOnOutOfMemoryError}, which covers an OutOfMemoryError on any thread.
 */
final class FatalErrors {
  private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);

  /** EX_SOFTWARE: an internal error. */
  static final int EXIT_STATUS = 70;

  private static volatile boolean stopping;

  private FatalErrors() {}

  /**
   * The process is stopping on purpose: a thread that dies now (a pool refusing work while it
   * closes, say) is logged, not turned into a failure exit that would cut the clean stop short.
   */
  static void stopping() {
    stopping = true;
  }

  /** Installs the rule as the default uncaught-exception handler (the CLI does, not tests). */
  static void install() {
    Thread.setDefaultUncaughtExceptionHandler(FatalErrors::die);
  }

  private static void die(Thread thread, Throwable cause) {
    if (stopping) {
      log.warn("thread {} died while the gateway stops: {}", thread.getName(), cause.toString());
      return;
    }
    try {
      log.error(
          "thread {} died, exiting with status {}: {}",
          thread.getName(),
          EXIT_STATUS,
          cause.toString(),
          cause);
      // The last line, short, in case the one above (with its stack) is cut.
      log.error("exiting: thread {} died: {}", thread.getName(), cause.toString());
      System.out.flush();
      System.err.flush();
    } finally {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }
}
