package io.rwgateway.tsdb;

/**
 * The data cannot be read now, and a retry may cure it: the WAL is still replaying, or a remote
 * source (a sidecar's Prometheus, a proxy's store) is down or overloaded. Readers answer it as
 * their protocol says "try again": {@code UNAVAILABLE} on the StoreAPI, 503 {@code unavailable} on
 * the HTTP API. Any {@link ChunkQueryable} or {@link ChunkQuerier} method may throw it, and so may
 * the sets and iterators they return.
 */
public class DataUnavailableException extends IllegalStateException {
  public DataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public DataUnavailableException(String message) {
    super(message);
  }
}
