package io.rwgateway.model;

/**
 * A label matcher that cannot be built: its regular expression does not parse, or is too large to
 * compile. Always the caller's fault, so every API answers it with a 4xx (or gRPC {@code
 * INVALID_ARGUMENT}) and this message.
 */
public final class InvalidMatcherException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidMatcherException(String message) {
    super(message);
  }
}
