package io.rwgateway.gateway;

import java.nio.file.Path;
import picocli.CommandLine;

/** A gateway started in this JVM on loopback with OS-chosen ports, for tests. */
final class InProcessGateway implements AutoCloseable {
  final ReceiveServer server;
  final RemoteWriteClient client;

  private InProcessGateway(ReceiveServer server) {
    this.server = server;
    this.client =
        new RemoteWriteClient(
            server.remoteWriteAddress().getPort(), server.httpAddress().getPort());
  }

  /**
   * Starts with the given extra flags on top of loopback addresses and {@code dir} as --tsdb.path.
   */
  static InProcessGateway start(Path dir, String... extraFlags) throws Exception {
    ReceiveCommand cmd = new ReceiveCommand();
    String[] base = {
      "--remote-write.address",
      "127.0.0.1:0",
      "--http-address",
      "127.0.0.1:0",
      "--tsdb.path",
      dir.toString(),
      "--http.workers",
      "2",
      "--grpc-address",
      "127.0.0.1:0"
    };
    String[] all = new String[base.length + extraFlags.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extraFlags, 0, all, base.length, extraFlags.length);
    new CommandLine(cmd).parseArgs(all);
    return new InProcessGateway(ReceiveServer.start(cmd.config()));
  }

  int remoteWritePort() {
    return server.remoteWriteAddress().getPort();
  }

  String remoteWriteUrl() {
    return "http://127.0.0.1:" + remoteWritePort() + "/api/v1/receive";
  }

  int httpPort() {
    return server.httpAddress().getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
