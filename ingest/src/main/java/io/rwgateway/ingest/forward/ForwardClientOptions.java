package io.rwgateway.ingest.forward;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Settings of the forwarding clients.
 *
 * @param timeout deadline of each RemoteWrite call (Thanos: {@code --receive-forward-timeout}, 5s)
 * @param compression gRPC message encoding of requests: "gzip", "snappy" (framed, Thanos' default
 *     {@code --receive.grpc-compression}) or "identity" (none)
 * @param minBackoff how long a peer stays closed after its first failure (Thanos: 100ms)
 * @param maxBackoff the cap of that time as failures repeat (Thanos: {@code
 *     --receive-forward-max-backoff}, 5s)
 * @param nanoClock monotonic clock for the backoff; injectable for tests
 */
public record ForwardClientOptions(
    Duration timeout,
    String compression,
    Duration minBackoff,
    Duration maxBackoff,
    LongSupplier nanoClock) {
  public static final String GZIP = "gzip";
  public static final String IDENTITY = "identity";

  public ForwardClientOptions {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("forward timeout must be positive: " + timeout);
    }
    if (!compression.equals(GZIP)
        && !compression.equals(SnappyCodec.NAME)
        && !compression.equals(IDENTITY)) {
      throw new IllegalArgumentException(
          "forward compression must be gzip, snappy or identity: " + compression);
    }
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "forward backoff needs 0 < min <= max: " + minBackoff + ", " + maxBackoff);
    }
  }

  /** 5s timeout, gzip, backoff 100ms to 5s, System.nanoTime. */
  public static ForwardClientOptions defaults() {
    return new ForwardClientOptions(
        Duration.ofSeconds(5),
        SnappyCodec.NAME,
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        System::nanoTime);
  }

  public ForwardClientOptions withTimeout(Duration t) {
    return new ForwardClientOptions(t, compression, minBackoff, maxBackoff, nanoClock);
  }

  public ForwardClientOptions withCompression(String c) {
    return new ForwardClientOptions(timeout, c, minBackoff, maxBackoff, nanoClock);
  }

  public ForwardClientOptions withBackoff(Duration min, Duration max, LongSupplier clock) {
    return new ForwardClientOptions(timeout, compression, min, max, clock);
  }
}
