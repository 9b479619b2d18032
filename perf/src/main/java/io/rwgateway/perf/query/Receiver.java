package io.rwgateway.perf.query;

import java.net.URI;

/**
 * A running receiver that the benchmark writes to and queries; started by the script, not here.
 *
 * @param name as printed in the table
 * @param writeUrl its remote-write endpoint
 * @param queryBase base URL of its Prometheus HTTP API
 * @param pid its process, for RSS from /proc
 */
record Receiver(String name, URI writeUrl, URI queryBase, long pid) {}
