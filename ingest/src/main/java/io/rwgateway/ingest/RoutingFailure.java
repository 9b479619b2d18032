package io.rwgateway.ingest;

/**
 * A routed write that a retry may fix: some series did not reach the write quorum for a retryable
 * reason (peer down or not ready, timeout, full queue, WAL failure), or no hashring handles the
 * tenant. Answered 503 with this message.
 */
public final class RoutingFailure extends Exception {
  private static final long serialVersionUID = 1L;

  public RoutingFailure(String message) {
    super(message, null, false, false);
  }
}
