package io.rwgateway.ingest.forward;

import io.grpc.Metadata;
import io.grpc.Status;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.tsdb.WriteBatch;

/**
 * The answer of a RemoteWrite call, chosen as Thanos Receive chooses it, so that a Thanos router
 * forwarding to us reacts as it would to a Thanos peer (docs/format/forwarding.md has the table).
 *
 * <p>NOTE: Thanos answers every permanent per-series rejection (out-of-order, duplicate, too old,
 * invalid labels) with ALREADY_EXISTS, its "conflict" class; a Thanos router turns that into a 409
 * and the sender drops the data. Any other code it treats as transient and ends in a 5xx that
 * senders retry forever. So our own bad-data rejections (limits, too far in the future, invalid
 * histograms) are answered ALREADY_EXISTS as well, never INVALID_ARGUMENT; the class our HTTP side
 * distinguishes (400 vs 409) travels in the {@link #REJECT_KIND} trailer, which Thanos ignores.
 */
public final class ForwardStatus {
  /**
   * Trailer on an ALREADY_EXISTS answer: which class of rejection it is, {@link #BAD_DATA} or
   * {@link #CONFLICT}.
   */
  public static final Metadata.Key<String> REJECT_KIND =
      Metadata.Key.of("rwgateway-reject-kind", Metadata.ASCII_STRING_MARSHALLER);

  public static final String BAD_DATA = "bad_data";
  public static final String CONFLICT = "conflict";

  private ForwardStatus() {}

  /** The answer for a batch the sink has processed. */
  public static Status of(WriteBatch b) {
    if (b.failure != null) {
      // Thanos: a write error that is neither a conflict nor "not ready" is INTERNAL; routers retry
      // it.
      return Status.INTERNAL.withDescription(oneLine("could not write to the WAL: " + b.failure));
    }
    if (b.firstBadData != null) {
      return Status.ALREADY_EXISTS.withDescription(oneLine(b.rejectSummary(b.firstBadData)));
    }
    if (b.firstConflict != null) {
      return Status.ALREADY_EXISTS.withDescription(oneLine(b.rejectSummary(b.firstConflict)));
    }
    return Status.OK;
  }

  /**
   * The {@link #REJECT_KIND} trailer value for a processed batch; null when nothing decisive was
   * rejected.
   */
  public static String rejectKind(WriteBatch b) {
    if (b.failure != null) {
      return null;
    }
    if (b.firstBadData != null) {
      return BAD_DATA; // as over HTTP, bad data outranks a conflict in the same request
    }
    return b.firstConflict != null ? CONFLICT : null;
  }

  /** A body that is not a well-formed request, or an invalid tenant or replica. */
  public static Status of(DecodeException e) {
    Status s =
        e.status() == DecodeException.PAYLOAD_TOO_LARGE
            ? Status.RESOURCE_EXHAUSTED
            : Status.INVALID_ARGUMENT;
    return s.withDescription(oneLine(e.getMessage()));
  }

  /**
   * For sinks: not ready to write yet (WAL replay); Thanos answers UNAVAILABLE, and routers back
   * off.
   */
  public static Status notReady(String why) {
    return Status.UNAVAILABLE.withDescription(oneLine("not ready: " + why));
  }

  /** For sinks: the write queue is full; retry with backoff. */
  public static Status queueFull() {
    return Status.UNAVAILABLE.withDescription("write queue is full; retry with backoff");
  }

  /**
   * Thanos refuses a replica number above its replication factor (it is 1-based) with
   * INVALID_ARGUMENT.
   */
  static Status badReplica(long replica, int replicationFactor) {
    return Status.INVALID_ARGUMENT.withDescription(
        "request replica " + replica + " exceeds receiver replication factor " + replicationFactor);
  }

  static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
