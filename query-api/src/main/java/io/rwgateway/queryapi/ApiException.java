package io.rwgateway.queryapi;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API answers with an error. The {@code errorType} and status pair is Prometheus'
 * ({@code bad_data} is 400, {@code internal} 500); the HTTP layer decides on these fields only.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String BAD_DATA = "bad_data";
  static final String INTERNAL = "internal";

  private final String errorType;
  private final transient HttpResponseStatus status;

  private ApiException(String errorType, HttpResponseStatus status, String message) {
    // NOTE: no stack trace: these are answers to clients, not faults of ours.
    super(message, null, false, false);
    this.errorType = errorType;
    this.status = status;
  }

  static ApiException badData(String message) {
    return new ApiException(BAD_DATA, HttpResponseStatus.BAD_REQUEST, message);
  }

  /** Prometheus' wrapping for a parameter that failed to parse. */
  static ApiException invalidParam(String param, String message) {
    return badData("invalid parameter \"" + param + "\": " + message);
  }

  /** A query the data cannot answer (many-to-many matching, too many samples): 422. */
  static ApiException execution(String message) {
    return new ApiException("execution", HttpResponseStatus.UNPROCESSABLE_ENTITY, message);
  }

  /** A query that ran out of time or waited too long for its turn: 503, a retry may succeed. */
  static ApiException timeout(String message) {
    return new ApiException("timeout", HttpResponseStatus.SERVICE_UNAVAILABLE, message);
  }

  /** The data cannot be read yet: 503, a retry may succeed. */
  static ApiException unavailable(String message) {
    return new ApiException("unavailable", HttpResponseStatus.SERVICE_UNAVAILABLE, message);
  }

  /** The client went away (Prometheus' 499, "client closed request"). */
  static ApiException canceled(String message) {
    return new ApiException(
        "canceled", HttpResponseStatus.valueOf(499, "Client Closed Request"), message);
  }

  static ApiException internal(String message) {
    return new ApiException(INTERNAL, HttpResponseStatus.INTERNAL_SERVER_ERROR, message);
  }

  String errorType() {
    return errorType;
  }

  HttpResponseStatus status() {
    return status;
  }
}
