package io.rwgateway.gateway;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the servers of the read roles ({@code sidecar}, {@code query}) share: a start that closes
 * whatever it had started when it fails, a close that runs once, waiting for that close, and the
 * metrics registry.
 */
abstract class RoleServer implements AutoCloseable {
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** A server's start-up steps. */
  @FunctionalInterface
  interface StartUp {
    void run() throws IOException, InterruptedException;
  }

  /** Runs {@code steps}; when they fail, closes {@code server} and rethrows. */
  static <S extends RoleServer> S started(S server, StartUp steps)
      throws IOException, InterruptedException {
    try {
      steps.run();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * The command line's part: serves until the JVM is told to stop, then closes the server (a
   * deliberate stop: threads that die meanwhile do not fail the exit).
   */
  static int serveUntilStopped(RoleServer server) throws InterruptedException {
    try (server) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    FatalErrors.stopping();
                    server.close();
                  },
                  "shutdown"));
      server.awaitTermination();
    }
    return 0;
  }

  /** Stops what the server started; called once, by {@link #close}. */
  protected abstract void shutDown();

  final boolean isClosed() {
    return closed.get();
  }

  public final PrometheusRegistry registry() {
    return registry;
  }

  public final void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      shutDown();
    } finally {
      terminated.countDown();
    }
  }
}
