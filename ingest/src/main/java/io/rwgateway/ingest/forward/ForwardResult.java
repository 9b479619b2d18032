package io.rwgateway.ingest.forward;

/**
 * The outcome of one forward and, when it is not {@link ForwardOutcome#OK}, a one-line reason (the
 * peer's status description, or why the call was not made) naming the peer.
 */
public record ForwardResult(ForwardOutcome outcome, String message) {
  static final ForwardResult OK = new ForwardResult(ForwardOutcome.OK, "");

  public boolean ok() {
    return outcome == ForwardOutcome.OK;
  }

  /**
   * Of two parts of one forward, the result the whole stands for: the one whose answer is the more
   * cautious for the sender (retryable, then bad data, then conflict, then OK), as the router
   * answers for a group of series.
   */
  static ForwardResult worse(ForwardResult a, ForwardResult b) {
    return severity(b.outcome) > severity(a.outcome) ? b : a;
  }

  private static int severity(ForwardOutcome o) {
    return switch (o) {
      case OK -> 0;
      case CONFLICT -> 1;
      case BAD_DATA -> 2;
      case RETRYABLE -> 3;
    };
  }
}
