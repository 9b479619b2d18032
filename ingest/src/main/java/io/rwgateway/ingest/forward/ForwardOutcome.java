package io.rwgateway.ingest.forward;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * What a forward to a peer came to, in the classes the router needs to build its own answer:
 * written, permanently refused (conflict or bad data: never retried), or worth retrying.
 */
public enum ForwardOutcome {
  /** Written on the peer. */
  OK("ok"),
  /** Refused as a conflict (out of order, duplicate, too old): HTTP 409, not retried. */
  CONFLICT("conflict"),
  /** The peer could not take it now (down, not ready, overloaded, timed out): HTTP 503, retried. */
  RETRYABLE("retryable"),
  /** Refused as invalid (malformed, over a limit, too large): HTTP 400, not retried. */
  BAD_DATA("bad_data");

  private final String label;

  ForwardOutcome(String label) {
    this.label = label;
  }

  /** The {@code outcome} label value in /metrics. */
  public String label() {
    return label;
  }

  /**
   * Classifies a call's status. ALREADY_EXISTS is a conflict (Thanos' meaning) unless our server
   * said in its trailer that it was bad data. Codes that only a broken request can cause are bad
   * data; everything else, including codes we do not expect, is retryable, so that data is never
   * dropped on an answer we do not understand.
   */
  public static ForwardOutcome of(Status.Code code, Metadata trailers) {
    return switch (code) {
      case OK -> OK;
      case ALREADY_EXISTS ->
          trailers != null && ForwardStatus.BAD_DATA.equals(trailers.get(ForwardStatus.REJECT_KIND))
              ? BAD_DATA
              : CONFLICT;
      // RESOURCE_EXHAUSTED: the message is over the peer's size limit; sending it again cannot
      // help.
      case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, OUT_OF_RANGE -> BAD_DATA;
      default -> RETRYABLE;
    };
  }
}
