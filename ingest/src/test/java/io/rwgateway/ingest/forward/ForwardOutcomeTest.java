package io.rwgateway.ingest.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's classification of every gRPC code: the table in docs/format/forwarding.md. */
class ForwardOutcomeTest {
  @Test
  void everyCode() {
    Map<Status.Code, ForwardOutcome> want = new EnumMap<>(Status.Code.class);
    for (Status.Code c : Status.Code.values()) {
      want.put(c, ForwardOutcome.RETRYABLE);
    }
    want.put(Status.Code.OK, ForwardOutcome.OK);
    want.put(Status.Code.ALREADY_EXISTS, ForwardOutcome.CONFLICT);
    want.put(Status.Code.INVALID_ARGUMENT, ForwardOutcome.BAD_DATA);
    want.put(Status.Code.RESOURCE_EXHAUSTED, ForwardOutcome.BAD_DATA);
    want.put(Status.Code.OUT_OF_RANGE, ForwardOutcome.BAD_DATA);
    for (Status.Code c : Status.Code.values()) {
      assertEquals(want.get(c), ForwardOutcome.of(c, new Metadata()), c.name());
      assertEquals(want.get(c), ForwardOutcome.of(c, null), c.name() + " without trailers");
    }
  }

  @Test
  void alreadyExistsIsBadDataOnlyWhenOurTrailerSaysSo() {
    Metadata bad = new Metadata();
    bad.put(ForwardStatus.REJECT_KIND, ForwardStatus.BAD_DATA);
    Metadata conflict = new Metadata();
    conflict.put(ForwardStatus.REJECT_KIND, ForwardStatus.CONFLICT);
    Metadata other = new Metadata();
    other.put(ForwardStatus.REJECT_KIND, "something-new");
    assertEquals(ForwardOutcome.BAD_DATA, ForwardOutcome.of(Status.Code.ALREADY_EXISTS, bad));
    assertEquals(ForwardOutcome.CONFLICT, ForwardOutcome.of(Status.Code.ALREADY_EXISTS, conflict));
    assertEquals(ForwardOutcome.CONFLICT, ForwardOutcome.of(Status.Code.ALREADY_EXISTS, other));
    assertEquals(
        ForwardOutcome.RETRYABLE,
        ForwardOutcome.of(Status.Code.UNAVAILABLE, bad),
        "the trailer only qualifies a conflict");
  }
}
