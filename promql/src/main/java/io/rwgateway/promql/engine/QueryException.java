package io.rwgateway.promql.engine;

/**
 * A query that cannot be answered, with the {@code errorType} of Prometheus' HTTP API: {@code
 * execution} (an error of the data, such as many-to-many matching, or too many samples: 422),
 * {@code timeout} (503), {@code bad_data} (a query that cannot be evaluated as asked: 400).
 */
public final class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    EXECUTION("execution"),
    TIMEOUT("timeout"),
    /** The data cannot be read yet (WAL replay): 503, a retry may succeed. */
    UNAVAILABLE("unavailable"),
    /** The client went away: Prometheus answers 499. */
    CANCELED("canceled"),
    BAD_DATA("bad_data");

    public final String errorType;

    Kind(String errorType) {
      this.errorType = errorType;
    }
  }

  private final Kind kind;

  public QueryException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static QueryException execution(String message) {
    return new QueryException(Kind.EXECUTION, message);
  }
}
