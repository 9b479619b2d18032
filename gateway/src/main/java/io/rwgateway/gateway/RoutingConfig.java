package io.rwgateway.gateway;

import io.rwgateway.hashring.HashringConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The hashring flags, when a hashring is configured (otherwise the gateway writes everything
 * locally, as an ingestor).
 *
 * @param file --receive.hashrings-file, or null
 * @param inline --receive.hashrings, or null
 * @param localEndpoint this receiver's address in the ring; "" = router only
 * @param compression grpc compressor name of forwarded writes: snappy, gzip or identity
 */
record RoutingConfig(
    Path file,
    String inline,
    String localEndpoint,
    int replicationFactor,
    HashringConfig.Algorithm defaultAlgorithm,
    Duration refreshInterval,
    Duration forwardTimeout,
    String compression) {}
