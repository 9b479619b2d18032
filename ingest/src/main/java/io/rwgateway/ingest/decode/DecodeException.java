package io.rwgateway.ingest.decode;

/**
 * A whole request could not be decoded: the body is malformed (400) or too large (413). The message
 * is one line that says what was wrong, ready to be sent back to the client.
 *
 * <p>NOTE: no stack trace is filled in; these are answers to bad input, not program faults, and a
 * misbehaving sender can produce them at request rate.
 */
public final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public static final int BAD_REQUEST = 400;
  public static final int PAYLOAD_TOO_LARGE = 413;

  private final int status;

  public DecodeException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static DecodeException badRequest(String message) {
    return new DecodeException(BAD_REQUEST, message);
  }

  /** The HTTP status to answer with: 400 or 413. */
  public int status() {
    return status;
  }
}
