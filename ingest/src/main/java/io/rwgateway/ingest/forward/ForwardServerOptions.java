package io.rwgateway.ingest.forward;

import io.rwgateway.ingest.decode.DecodeLimits;

/**
 * Settings of the forwarding gRPC server.
 *
 * @param host address to listen on
 * @param port port (Thanos' gRPC default is 10901; 0 picks a free one)
 * @param defaultTenant tenant of requests whose tenant field is empty (Thanos: {@code
 *     --receive.default-tenant-id})
 * @param limits the same decoding limits as remote write over HTTP
 * @param maxMessageBytes largest (decompressed) request accepted; larger ones are answered
 *     RESOURCE_EXHAUSTED by grpc before anything is decoded
 * @param replicationFactor requests whose replica number is above it are refused (INVALID_ARGUMENT)
 *     as Thanos does; 0 turns the check off
 * @param threads threads that decode requests and answer calls
 */
public record ForwardServerOptions(
    String host,
    int port,
    String defaultTenant,
    DecodeLimits limits,
    int maxMessageBytes,
    int replicationFactor,
    int threads) {
  public ForwardServerOptions {
    if (port < 0 || port > 65535 || maxMessageBytes < 1 || replicationFactor < 0 || threads < 1) {
      throw new IllegalArgumentException(
          "invalid forward server options: port="
              + port
              + " maxMessageBytes="
              + maxMessageBytes
              + " replicationFactor="
              + replicationFactor
              + " threads="
              + threads);
    }
  }

  /**
   * 0.0.0.0:10901, tenant "default-tenant", default limits, messages up to the remote-write
   * decompressed limit (32 MiB), no replica check, one thread per core.
   */
  public static ForwardServerOptions defaults() {
    DecodeLimits limits = DecodeLimits.defaults();
    return new ForwardServerOptions(
        "0.0.0.0",
        10901,
        "default-tenant",
        limits,
        limits.maxDecompressedBytes(),
        0,
        Runtime.getRuntime().availableProcessors());
  }

  public ForwardServerOptions withAddress(String h, int p) {
    return new ForwardServerOptions(
        h, p, defaultTenant, limits, maxMessageBytes, replicationFactor, threads);
  }

  public ForwardServerOptions withMaxMessageBytes(int n) {
    return new ForwardServerOptions(
        host, port, defaultTenant, limits, n, replicationFactor, threads);
  }

  public ForwardServerOptions withReplicationFactor(int rf) {
    return new ForwardServerOptions(
        host, port, defaultTenant, limits, maxMessageBytes, rf, threads);
  }

  public ForwardServerOptions withDefaultTenant(String tenant) {
    return new ForwardServerOptions(
        host, port, tenant, limits, maxMessageBytes, replicationFactor, threads);
  }

  /** The same decode limits as remote write; messages up to its decompressed limit. */
  public ForwardServerOptions withLimits(DecodeLimits l) {
    return new ForwardServerOptions(
        host, port, defaultTenant, l, l.maxDecompressedBytes(), replicationFactor, threads);
  }
}
