package io.rwgateway.ingest.forward;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.buffer.Unpooled;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.proto.thanos.storepb.WriteableStoreGrpc;
import io.rwgateway.tsdb.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code thanos.WriteableStore/RemoteWrite} method: decode the request on a server thread, hand
 * the batch to the {@link ForwardSink}, answer once the sink is done.
 *
 * <p>NOTE: decoders and read buffers are per thread (the server runs calls on a fixed pool) and
 * batches come from a shared pool, because a batch is finished by whichever thread completes the
 * sink's future, not by the thread that decoded it.
 */
final class RemoteWriteService implements ServerCallHandler<InputStream, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteService.class);
  private static final int POOL_MAX = 64;

  /**
   * Read buffers up to this size are kept by their thread; larger requests get a one-off buffer.
   */
  private static final int KEEP_BUFFER_BYTES = 1 << 20;

  private final ForwardServerOptions options;
  private final ForwardSink sink;
  private final ForwardMetrics metrics;
  private final Clock clock;
  private final Executor executor;
  private final ThreadLocal<Worker> workers;
  private final ArrayBlockingQueue<WriteBatch> pool = new ArrayBlockingQueue<>(POOL_MAX);

  RemoteWriteService(
      ForwardServerOptions options,
      ForwardSink sink,
      ForwardMetrics metrics,
      Clock clock,
      Executor executor) {
    this.options = options;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = clock;
    this.executor = executor;
    this.workers =
        ThreadLocal.withInitial(
            () -> new Worker(new ForwardDecoder(options.limits(), options.defaultTenant())));
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(WriteableStoreGrpc.SERVICE_NAME)
        .addMethod(RawMarshallers.SERVER_METHOD, this)
        .build();
  }

  @Override
  public ServerCall.Listener<InputStream> startCall(
      ServerCall<InputStream, byte[]> call, Metadata headers) {
    // Two, so that a second message on this unary method is seen and refused rather than left
    // pending.
    call.request(2);
    return new RemoteWriteCall(this, call);
  }

  /** One thread's decoder and read buffer. */
  private static final class Worker {
    final ForwardDecoder decoder;
    byte[] buf = new byte[64 * 1024];

    Worker(ForwardDecoder decoder) {
      this.decoder = decoder;
    }
  }

  /**
   * Reads and decodes the request into a pooled batch and records tenant and replica on the call.
   * The stream is only valid during this call. On any failure the batch is back in the pool and the
   * call holds the status to answer.
   */
  void decode(InputStream in, RemoteWriteCall c) {
    Worker w = workers.get();
    WriteBatch batch = take();
    try {
      int n = read(in, w);
      w.decoder.decode(Unpooled.wrappedBuffer(w.buf, 0, n), batch, clock.millis());
      long replica = w.decoder.replica();
      if (options.replicationFactor() > 0 && replica > options.replicationFactor()) {
        recycle(batch);
        c.failed(ForwardStatus.badReplica(replica, options.replicationFactor()));
        return;
      }
      c.decoded(batch, w.decoder.tenant(), replica);
    } catch (DecodeException e) {
      recycle(batch);
      c.failed(ForwardStatus.of(e));
    } catch (StatusRuntimeException e) {
      // grpc's size check on a decompressing stream fires while we read (RESOURCE_EXHAUSTED).
      recycle(batch);
      c.failed(e.getStatus());
    } catch (IOException e) {
      recycle(batch);
      c.failed(
          Status.INTERNAL.withDescription(
              ForwardStatus.oneLine("could not read the request: " + e.getMessage())));
    } finally {
      if (w.buf.length > KEEP_BUFFER_BYTES) {
        w.buf = new byte[KEEP_BUFFER_BYTES];
      }
    }
  }

  private int read(InputStream in, Worker w) throws IOException {
    int max = options.maxMessageBytes();
    int known = in.available();
    if (known > w.buf.length) {
      w.buf = new byte[Math.min(known, max)];
    }
    int n = 0;
    while (true) {
      if (n == w.buf.length) {
        if (n >= max) {
          if (in.read() < 0) {
            return n;
          }
          throw Status.RESOURCE_EXHAUSTED
              .withDescription("request is larger than " + max + " bytes")
              .asRuntimeException();
        }
        w.buf = Arrays.copyOf(w.buf, (int) Math.min((long) n * 2, max));
      }
      int r = in.read(w.buf, n, w.buf.length - n);
      if (r < 0) {
        return n;
      }
      n += r;
    }
  }

  /**
   * After half-close: hands the decoded batch to the sink, or answers at once when it holds nothing
   * to write.
   */
  void write(RemoteWriteCall c, WriteBatch batch, String tenant, long replica) {
    if (batch.seriesCount == 0 && batch.metaCount == 0) {
      complete(c, batch, Status.OK, null); // empty, or every series rejected while decoding
      return;
    }
    CompletableFuture<Status> f;
    try {
      f = sink.write(batch, tenant, replica);
      if (f == null) {
        f =
            CompletableFuture.failedFuture(
                new IllegalStateException("forward sink returned no future"));
      }
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    // NOTE: the sink may complete on the WAL writer thread; the answer is built on our own pool.
    f.whenCompleteAsync((status, err) -> complete(c, batch, status, err), executor);
  }

  private void complete(RemoteWriteCall c, WriteBatch batch, Status fromSink, Throwable err) {
    sink.answered(batch);
    Status status;
    Metadata trailers = new Metadata();
    if (err != null) {
      log.warn("forward sink failed tenant={}", batch.tenant, err);
      status =
          Status.INTERNAL
              .withDescription(ForwardStatus.oneLine("local write failed: " + err))
              .withCause(err);
    } else if (fromSink == null) {
      status = Status.INTERNAL.withDescription("forward sink completed without a status");
    } else if (!fromSink.isOk()) {
      status = fromSink;
    } else {
      status = ForwardStatus.of(batch);
      String kind = ForwardStatus.rejectKind(batch);
      if (kind != null) {
        trailers.put(ForwardStatus.REJECT_KIND, kind);
      }
    }
    recycle(batch);
    c.finish(status, trailers);
  }

  void served(Status status, boolean cancelled, long nanos) {
    metrics.served(cancelled ? Status.Code.CANCELLED : status.getCode(), nanos);
    if (status.getCode() == Status.Code.INTERNAL) {
      log.warn("forwarded write answered INTERNAL: {}", status.getDescription());
    } else if (!status.isOk() && log.isDebugEnabled()) {
      log.debug("forwarded write answered {}: {}", status.getCode(), status.getDescription());
    }
  }

  private WriteBatch take() {
    WriteBatch b = pool.poll();
    if (b == null) {
      b = new WriteBatch();
    }
    b.reset();
    return b;
  }

  void recycle(WriteBatch b) {
    b.attachment = null;
    pool.offer(b);
  }
}
