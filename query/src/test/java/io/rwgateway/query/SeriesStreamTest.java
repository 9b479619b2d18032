package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SeriesStream against a Series server scripted per test: order, the buffer bound, errors, cancel.
 */
class SeriesStreamTest {
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Serves Series with the given handler and returns a stream started on it. */
  private SeriesStream serve(BiConsumer<SeriesRequest, StreamObserver<SeriesResponse>> series)
      throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new StoreGrpc.StoreImplBase() {
                  @Override
                  public void series(SeriesRequest request, StreamObserver<SeriesResponse> out) {
                    series.accept(request, out);
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forTarget("127.0.0.1:" + server.getPort()).usePlaintext().build();
    return SeriesStream.start(
        channel,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        SeriesRequest.getDefaultInstance());
  }

  private static Labels labels(int i) {
    return Labels.of("__name__", "up", "i", String.format("%06d", i));
  }

  private static SeriesResponse frame(int i) {
    Series.Builder s = Series.newBuilder();
    labels(i).forEach((n, v) -> s.addLabels(Label.newBuilder().setName(n).setValue(v)));
    return SeriesResponse.newBuilder().setSeries(s).build();
  }

  @Test
  void readsManySmallFramesCompletelyAndInOrder() throws Exception {
    int n = 5000;
    SeriesStream s =
        serve(
            (req, out) -> {
              for (int i = 0; i < n; i++) {
                out.onNext(frame(i));
              }
              out.onCompleted();
            });
    for (int i = 0; i < n; i++) {
      assertTrue(s.hasNext(), "series " + i);
      assertEquals(labels(i), s.next().labels());
    }
    assertFalse(s.hasNext());
    assertFalse(s.hasNext(), "stays at the end");
  }

  @Test
  void aReaderThatDoesNotReadHoldsAtMostTheWindow() throws Exception {
    // The server sends everything at once, ignoring isReady: only the client's requests hold
    // frames back, in the transport, out of the stream's queue.
    int n = 1000;
    SeriesStream s =
        serve(
            (req, out) -> {
              for (int i = 0; i < n; i++) {
                out.onNext(frame(i));
              }
              out.onCompleted();
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (s.buffered() < SeriesStream.WINDOW && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // Time for frames beyond the window to arrive if nothing held them back.
    Thread.sleep(300);
    assertEquals(SeriesStream.WINDOW, s.buffered());
    int read = 0;
    while (s.hasNext()) {
      assertEquals(labels(read), s.next().labels());
      read++;
      assertTrue(s.buffered() <= SeriesStream.WINDOW, "buffered " + s.buffered());
    }
    assertEquals(n, read, "refilled to the end");
  }

  @Test
  void anErrorMidStreamSurfacesAfterTheSeriesBeforeIt() throws Exception {
    SeriesStream s =
        serve(
            (req, out) -> {
              for (int i = 0; i < 100; i++) {
                out.onNext(frame(i));
              }
              out.onError(Status.INTERNAL.withDescription("disk on fire").asRuntimeException());
            });
    // The 100th series is dropped: its next frames might have been due when the error came.
    for (int i = 0; i < 99; i++) {
      assertTrue(s.hasNext());
      assertEquals(labels(i), s.next().labels());
    }
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, s::hasNext);
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertEquals("disk on fire", e.getStatus().getDescription());
    assertThrows(StatusRuntimeException.class, s::hasNext, "the error stays");
  }

  /** A server that sends frames for as long as the client takes them, until it is cancelled. */
  private SeriesStream endless(CountDownLatch cancelled, AtomicInteger sent) throws Exception {
    return serve(
        (req, out) -> {
          ServerCallStreamObserver<SeriesResponse> o =
              (ServerCallStreamObserver<SeriesResponse>) out;
          o.setOnCancelHandler(cancelled::countDown);
          o.setOnReadyHandler(
              () -> {
                while (o.isReady() && !o.isCancelled()) {
                  o.onNext(frame(sent.getAndIncrement()));
                }
              });
        });
  }

  @Test
  void cancellingTheContextCancelsTheCallTheServerIsStillSending() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicInteger sent = new AtomicInteger();
    Context.CancellableContext ctx = Context.current().withCancellation();
    SeriesStream s;
    Context previous = ctx.attach();
    try {
      s = endless(cancelled, sent);
    } finally {
      ctx.detach(previous);
    }
    for (int i = 0; i < 500; i++) {
      assertEquals(labels(i), s.next().labels());
    }
    ctx.cancel(null);
    assertTrue(cancelled.await(10, TimeUnit.SECONDS), "server saw the cancellation");
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> {
              while (s.hasNext()) {
                s.next();
              }
            });
    assertEquals(Status.Code.CANCELLED, e.getStatus().getCode());
  }

  @Test
  void cancelStopsTheCallTheServerIsStillSending() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    SeriesStream s = endless(cancelled, new AtomicInteger());
    for (int i = 0; i < 500; i++) {
      assertEquals(labels(i), s.next().labels());
    }
    s.cancel();
    assertTrue(cancelled.await(10, TimeUnit.SECONDS), "server saw the cancellation");
  }
}
