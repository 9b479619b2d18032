package io.rwgateway.gateway;

import io.rwgateway.query.EndpointStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * A {@code gateway query} in this JVM on loopback ports, started from its command line (plus the
 * loopback addresses), polling its endpoints every 100 ms instead of 5 s.
 */
final class InProcessQuery implements AutoCloseable {
  final QueryServer server;

  private InProcessQuery(QueryServer server) {
    this.server = server;
  }

  static InProcessQuery start(String... flags) throws Exception {
    return new InProcessQuery(server(flags));
  }

  /** The server alone, for tests that close it themselves. */
  static QueryServer server(String... flags) throws Exception {
    QueryCommand cmd = new QueryCommand();
    List<String> all =
        new ArrayList<>(List.of("--http-address=127.0.0.1:0", "--grpc-address=127.0.0.1:0"));
    all.addAll(List.of(flags));
    new CommandLine(cmd).parseArgs(all.toArray(new String[0]));
    return QueryServer.start(cmd.config().withPollInterval(Duration.ofMillis(100)));
  }

  /** Base URL of its HTTP API. */
  String base() {
    return "http://127.0.0.1:" + server.httpAddress().getPort();
  }

  int grpcPort() {
    return server.grpcPort();
  }

  /** Waits (20 s at most) until {@code n} endpoints are active. */
  void awaitEndpoints(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      int active = 0;
      for (EndpointStatus s : server.endpoints().snapshot()) {
        if (s.active()) {
          active++;
        }
      }
      if (active >= n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + active + " of " + n + " endpoints active: " + server.endpoints().snapshot());
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
