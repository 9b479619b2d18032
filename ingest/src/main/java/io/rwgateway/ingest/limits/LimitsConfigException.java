package io.rwgateway.ingest.limits;

/** A limits file that cannot be used; the message says where and why. */
public final class LimitsConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public LimitsConfigException(String message) {
    super(message);
  }

  public LimitsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
