package io.rwgateway.sidecar;

/**
 * No answer from Prometheus: the connection was refused or timed out, or it broke before the status
 * line came. A StoreAPI server answers this UNAVAILABLE, as Thanos' sidecar does while its
 * Prometheus restarts.
 */
public final class PrometheusUnreachableException extends PrometheusException {
  private static final long serialVersionUID = 1L;

  PrometheusUnreachableException(String url, Throwable cause) {
    super(url, NO_STATUS, "", "Prometheus unreachable at " + url + ": " + describe(cause), cause);
  }

  @Override
  public boolean isUnreachable() {
    return true;
  }

  private static String describe(Throwable cause) {
    // java.net.http reports a refused connection as a ConnectException without a message.
    String m = cause.getMessage();
    String name = cause.getClass().getSimpleName();
    return m == null || m.isEmpty() ? name : name + ": " + m;
  }
}
