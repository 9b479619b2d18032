package io.rwgateway.uploader;

import java.io.IOException;

/**
 * A sync of one tenant stopped: the bucket failed (or the tenant directory could not be listed).
 * Blocks after the failing one wait, so they still go out oldest first once it succeeds. {@link
 * #reason()} and {@link #retryable()} come from the {@link BucketException} when the cause is one,
 * so callers classify on the type, never on message text.
 */
public final class ShipperSyncException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String tenant;
  private final String block;
  private final String reason;
  private final boolean retryable;

  /**
   * @param block the block being shipped, null when the failure was not about one block
   */
  ShipperSyncException(String tenant, String block, String what, IOException cause) {
    super(
        "tenant "
            + tenant
            + ": "
            + what
            + (block == null ? "" : " (block " + block + ")")
            + ": "
            + cause.getMessage(),
        cause);
    this.tenant = tenant;
    this.block = block;
    if (cause instanceof BucketException b) {
      reason = b.reason();
      retryable = b.retryable();
    } else {
      // An IOException that is not a BucketException: a local file or a filesystem bucket's disk.
      // NOTE: counted as retryable: a full disk or a vanished mount usually comes back.
      reason = "io";
      retryable = true;
    }
  }

  /**
   * A sync that stopped on a bug (a RuntimeException): reason {@code internal}, retried with
   * backoff.
   */
  static ShipperSyncException internal(String tenant, RuntimeException bug) {
    return new ShipperSyncException(tenant, "internal error: " + bug, bug);
  }

  private ShipperSyncException(String tenant, String message, RuntimeException bug) {
    super("tenant " + tenant + ": " + message, bug);
    this.tenant = tenant;
    this.block = null;
    this.reason = "internal";
    this.retryable = true;
  }

  /**
   * A sync that cannot go on for a reason of its own, not a bucket's or a file's (the sidecar knows
   * no external labels yet): retried with backoff.
   */
  static ShipperSyncException notReady(String tenant, String reason, String message) {
    return new ShipperSyncException(tenant, message, reason);
  }

  private ShipperSyncException(String tenant, String message, String reason) {
    super("tenant " + tenant + ": " + message);
    this.tenant = tenant;
    this.block = null;
    this.reason = reason;
    this.retryable = true;
  }

  public String tenant() {
    return tenant;
  }

  /** The block being shipped when it failed, or null. */
  public String block() {
    return block;
  }

  /** A short label for metrics, as {@link BucketException#reason()}. */
  public String reason() {
    return reason;
  }

  /** False when the bucket said the failure is permanent (access denied, no such bucket). */
  public boolean retryable() {
    return retryable;
  }
}
