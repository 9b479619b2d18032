package io.rwgateway.uploader;

import java.io.IOException;

/** A bucket operation failed; {@link #retryable()} says whether trying again later may succeed. */
public class BucketException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;
  private final String reason;

  /**
   * @param reason a short label for metrics ({@code network}, {@code server}, {@code denied},
   *     {@code not_found}, {@code io}, ...)
   */
  public BucketException(String message, String reason, boolean retryable, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  public String reason() {
    return reason;
  }
}
