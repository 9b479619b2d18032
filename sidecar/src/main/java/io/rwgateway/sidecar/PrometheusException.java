package io.rwgateway.sidecar;

/**
 * A call to Prometheus that did not give a usable answer: which URL, and either the HTTP status and
 * (the start of) the body Prometheus answered, or, for {@link PrometheusUnreachableException}, why
 * no answer came. Callers classify on {@link #isClientError()}: a 4xx (except 429) is the request's
 * fault and a retry gives the same answer; everything else (5xx, 429, a broken or garbled answer,
 * no connection) may pass.
 */
public class PrometheusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@link #status()} when no HTTP status applies (no answer, or a 2xx whose body was bad). */
  public static final int NO_STATUS = 0;

  private final String url;
  private final int status;
  private final String body;

  public PrometheusException(String url, int status, String body, String message, Throwable cause) {
    super(message, cause);
    this.url = url;
    this.status = status;
    this.body = body;
  }

  /**
   * An HTTP answer outside 2xx: {@code body} as it came, {@code message} what it says (the API's
   * {@code errorType: error} for a JSON error).
   */
  static PrometheusException status(String url, int status, String body, String message) {
    return new PrometheusException(
        url,
        status,
        body,
        "Prometheus answered " + status + " to " + url + ": " + oneLine(message),
        null);
  }

  /** A 2xx answer that could not be read (not JSON, a corrupt frame, a missing field). */
  static PrometheusException badAnswer(String url, String what, Throwable cause) {
    return new PrometheusException(
        url, NO_STATUS, "", "bad answer from Prometheus at " + url + ": " + what, cause);
  }

  /** The URL called (no credentials: they travel in headers). */
  public String url() {
    return url;
  }

  /** The HTTP status, or {@link #NO_STATUS}. */
  public int status() {
    return status;
  }

  /** The body Prometheus answered with a non-2xx status (at most a few KiB), else "". */
  public String body() {
    return body;
  }

  /** True for a 4xx other than 429: the request itself is wrong, a retry gives the same. */
  public boolean isClientError() {
    return status >= 400 && status < 500 && status != 429;
  }

  /** True when no connection or no answer came (see {@link PrometheusUnreachableException}). */
  public boolean isUnreachable() {
    return false;
  }

  /** The body as one line, without trailing whitespace, for messages. */
  static String oneLine(String body) {
    return body.strip().replace('\n', ' ');
  }
}
