package io.rwgateway.ingest.forward;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.rwgateway.tsdb.WriteBatch;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One RemoteWrite call. grpc delivers its events one at a time on the server's pool; the answer may
 * come later from the sink's completion, so closing is guarded to happen once.
 */
final class RemoteWriteCall extends ServerCall.Listener<InputStream> {
  private final RemoteWriteService service;
  private final ServerCall<InputStream, byte[]> call;
  private final long start = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean cancelled;

  // Set while grpc delivers events (serialized), read after half-close.
  private boolean gotMessage;
  private boolean handedOff;
  private Status failure;
  private WriteBatch batch;
  private String tenant;
  private long replica;

  RemoteWriteCall(RemoteWriteService service, ServerCall<InputStream, byte[]> call) {
    this.service = service;
    this.call = call;
  }

  @Override
  public void onMessage(InputStream message) {
    if (gotMessage) {
      if (batch != null) {
        service.recycle(batch);
        batch = null;
      }
      failure = Status.INTERNAL.withDescription("more than one request message in a unary call");
      return;
    }
    gotMessage = true;
    service.decode(message, this);
  }

  void decoded(WriteBatch b, String t, long r) {
    batch = b;
    tenant = t;
    replica = r;
  }

  void failed(Status s) {
    failure = s;
  }

  @Override
  public void onHalfClose() {
    if (failure != null) {
      finish(failure, new Metadata());
    } else if (batch == null) {
      finish(
          Status.INTERNAL.withDescription("half-closed without a request message"), new Metadata());
    } else {
      handedOff = true;
      service.write(this, batch, tenant, replica);
    }
  }

  @Override
  public void onCancel() {
    cancelled = true;
    if (!handedOff && batch != null) {
      service.recycle(batch);
      batch = null;
    }
  }

  /** Answers the call once; a cancelled call (deadline passed, client gone) is not answered. */
  void finish(Status status, Metadata trailers) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean gone = cancelled || call.isCancelled(); // the flag lags the stream state a little
    service.served(status, gone, System.nanoTime() - start);
    if (gone) {
      return;
    }
    try {
      if (status.isOk()) {
        call.sendHeaders(new Metadata());
        call.sendMessage(RawMarshallers.EMPTY);
      }
      call.close(status, trailers);
    } catch (RuntimeException e) {
      // The stream went away between the check and the answer; nothing is left to tell.
    }
  }
}
