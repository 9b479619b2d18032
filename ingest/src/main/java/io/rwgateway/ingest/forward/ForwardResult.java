package io.rwgateway.ingest.forward;

/**
 * The outcome of one forward and, when it is not {@link ForwardOutcome#OK}, a one-line reason
 * (the peer's status description, or why the call was not made) naming the peer.
 */
public record ForwardResult(ForwardOutcome outcome, String message) {
  static final ForwardResult OK = new ForwardResult(ForwardOutcome.OK, "");

  public boolean ok() {
    return outcome == ForwardOutcome.OK;
  }
}
