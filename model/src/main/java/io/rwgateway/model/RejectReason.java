package io.rwgateway.model;

/**
 * Why a series, sample, histogram or exemplar was not written. Each reason is permanent (a retry
 * cannot succeed) and belongs to one answer class; the HTTP layer maps the class to a status code
 * without looking at any message text.
 */
public enum RejectReason {
  // Malformed or over a limit: 400.
  INVALID_LABELS("invalid_labels", Kind.BAD_DATA),
  MISSING_METRIC_NAME("missing_metric_name", Kind.BAD_DATA),
  INVALID_UTF8("invalid_utf8", Kind.BAD_DATA),
  TOO_MANY_LABELS("too_many_labels", Kind.BAD_DATA),
  LABEL_NAME_TOO_LONG("label_name_too_long", Kind.BAD_DATA),
  LABEL_VALUE_TOO_LONG("label_value_too_long", Kind.BAD_DATA),
  TOO_FAR_IN_FUTURE("too_far_in_future", Kind.BAD_DATA),
  INVALID_HISTOGRAM("invalid_histogram", Kind.BAD_DATA),
  // Conflicts with what the head already holds: 409, as Thanos answers, so senders drop them.
  OUT_OF_ORDER("out_of_order", Kind.CONFLICT),
  DUPLICATE_TIMESTAMP("duplicate_timestamp", Kind.CONFLICT),
  TOO_OLD("too_old", Kind.CONFLICT),
  // Counted and logged, but the request still succeeds, as in Prometheus: an exemplar is a hint.
  EXEMPLAR_OUT_OF_ORDER("exemplar_out_of_order", Kind.SOFT),
  INVALID_EXEMPLAR("invalid_exemplar", Kind.SOFT);

  /** The answer class. */
  public enum Kind {
    BAD_DATA,
    CONFLICT,
    SOFT
  }

  private final String label;
  private final Kind kind;

  RejectReason(String label, Kind kind) {
    this.label = label;
    this.kind = kind;
  }

  /** The value of the {@code reason} label in /metrics. */
  public String label() {
    return label;
  }

  public Kind kind() {
    return kind;
  }
}
