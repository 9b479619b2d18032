package io.rwgateway.ingest.forward;

import static io.rwgateway.ingest.forward.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ForwardClient -> ForwardServer -> a test sink, over gRPC on 127.0.0.1. */
class ForwardRoundTripTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ForwardMetrics metrics = new ForwardMetrics(registry);
  private final RecordingSink sink = new RecordingSink();
  private final AtomicLong nanos = new AtomicLong();
  private ForwardServer server;
  private String endpoint;
  private WriteBatch batch;

  @BeforeEach
  void start() throws Exception {
    server =
        ForwardServer.start(
            ForwardServerOptions.defaults().withAddress("127.0.0.1", 0).withReplicationFactor(3),
            sink,
            metrics,
            CLOCK);
    endpoint = "127.0.0.1:" + server.port();
    ForwardDecoder d = new ForwardDecoder(DecodeLimits.defaults(), "default-tenant");
    batch = Batches.forward(d, Fixtures.thanos(Fixtures.series(), "source", 0).toByteArray());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ForwardClientOptions options() {
    return ForwardClientOptions.defaults()
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), nanos::get);
  }

  private ForwardClient client(ForwardClientOptions o) {
    return new ForwardClient(endpoint, o, metrics);
  }

  private static ForwardResult get(CompletableFuture<ForwardResult> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private Labels labels(int series) {
    return LabelBytes.decode(
        batch.bytes, batch.seriesLabelsOff[series], batch.seriesLabelsLen[series]);
  }

  @Test
  void forwardsTenantReplicaAndSamplesWithEachCompression() throws Exception {
    for (String compression : List.of("gzip", "snappy", "identity")) {
      try (ForwardClient c = client(options().withCompression(compression))) {
        ForwardResult r = get(c.forward(batch, new int[] {3, 0}, 2, "team-a", 1));
        assertEquals(ForwardResult.OK, r, compression);
        RecordingSink.Write w = sink.next();
        assertEquals("team-a", w.tenant());
        assertEquals(2, w.replica(), "0-based replica 1 is sent 1-based, as Thanos does");
        assertEquals(List.of(labels(3), labels(0)), w.series());
        int first3 = batch.seriesFirstSample[3];
        int first0 = batch.seriesFirstSample[0];
        assertEquals(3 + Fixtures.SPECIAL.length, w.sampleT().size());
        assertEquals(batch.sampleT[first3 + 2], w.sampleT().get(2));
        assertEquals(
            Double.doubleToRawLongBits(batch.sampleV[first0 + 6]),
            (long) w.sampleBits().get(3 + 6),
            "staleness marker bits survive the trip");
        assertEquals(3, w.exemplars(), compression);
      }
    }
    assertEquals(
        3,
        Scrape.counter(registry, "rwgateway_forward_requests", "peer", endpoint, "outcome", "ok"));
    assertEquals(
        3, Scrape.histogramCount(registry, "rwgateway_forward_duration_seconds", "peer", endpoint));
    assertEquals(3, Scrape.counter(registry, "rwgateway_forward_served", "code", "OK"));
  }

  private ForwardResult answerWith(
      ForwardClient c, Function<WriteBatch, CompletableFuture<Status>> behavior) throws Exception {
    sink.behavior = behavior;
    ForwardResult r = get(c.forward(batch, new int[] {0, 1}, 2, "t", 0));
    sink.next();
    nanos.addAndGet(Duration.ofSeconds(10).toNanos()); // past any backoff the answer caused
    return r;
  }

  @Test
  void eachSinkOutcomeMapsToAStatusAndAnOutcome() throws Exception {
    try (ForwardClient c = client(options())) {
      ForwardResult conflict =
          answerWith(
              c,
              b -> {
                b.reject(
                    RejectReason.OUT_OF_ORDER,
                    2,
                    () -> "out of order sample for series {__name__=\"up\"}");
                return CompletableFuture.completedFuture(Status.OK);
              });
      assertEquals(ForwardOutcome.CONFLICT, conflict.outcome());
      assertTrue(
          conflict.message().contains("ALREADY_EXISTS: out of order sample"), conflict.message());
      assertTrue(conflict.message().contains("out_of_order=2"), conflict.message());

      ForwardResult badAndConflict =
          answerWith(
              c,
              b -> {
                b.reject(RejectReason.OUT_OF_ORDER, 1, () -> "out of order");
                b.reject(RejectReason.TOO_MANY_LABELS, 1, () -> "too many labels");
                return CompletableFuture.completedFuture(Status.OK);
              });
      assertEquals(
          ForwardOutcome.BAD_DATA,
          badAndConflict.outcome(),
          "bad data outranks a conflict, as over HTTP");

      ForwardResult soft =
          answerWith(
              c,
              b -> {
                b.reject(RejectReason.EXEMPLAR_OUT_OF_ORDER, 1, () -> "exemplar out of order");
                return CompletableFuture.completedFuture(Status.OK);
              });
      assertEquals(ForwardResult.OK, soft, "soft rejections do not fail the write");

      ForwardResult wal =
          answerWith(
              c,
              b -> {
                b.failure = new IOException("disk full");
                return CompletableFuture.completedFuture(Status.OK);
              });
      assertEquals(ForwardOutcome.RETRYABLE, wal.outcome());
      assertTrue(
          wal.message()
              .contains("INTERNAL: could not write to the WAL: java.io.IOException: disk full"),
          wal.message());

      ForwardResult notReady =
          answerWith(
              c,
              b -> CompletableFuture.completedFuture(ForwardStatus.notReady("replaying the WAL")));
      assertEquals(ForwardOutcome.RETRYABLE, notReady.outcome());
      assertTrue(
          notReady.message().contains("UNAVAILABLE: not ready: replaying the WAL"),
          notReady.message());

      ForwardResult full =
          answerWith(c, b -> CompletableFuture.completedFuture(ForwardStatus.queueFull()));
      assertEquals(ForwardOutcome.RETRYABLE, full.outcome());

      ForwardResult failed =
          answerWith(c, b -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
      assertEquals(ForwardOutcome.RETRYABLE, failed.outcome());
      assertTrue(failed.message().contains("INTERNAL: local write failed"), failed.message());

      ForwardResult thrown =
          answerWith(
              c,
              b -> {
                throw new IllegalStateException("sink bug");
              });
      assertEquals(ForwardOutcome.RETRYABLE, thrown.outcome());
    }
    assertEquals(2, Scrape.counter(registry, "rwgateway_forward_served", "code", "ALREADY_EXISTS"));
    assertEquals(1, Scrape.counter(registry, "rwgateway_forward_served", "code", "OK"));
    assertEquals(2, Scrape.counter(registry, "rwgateway_forward_served", "code", "UNAVAILABLE"));
    assertEquals(3, Scrape.counter(registry, "rwgateway_forward_served", "code", "INTERNAL"));
    assertEquals(
        5,
        Scrape.counter(
            registry, "rwgateway_forward_requests", "peer", endpoint, "outcome", "retryable"));
  }

  @Test
  void seriesRejectedWhileDecodingReachTheSenderAsBadData() throws Exception {
    try (ForwardClient c = client(options())) {
      ForwardResult r = get(c.send(Fixtures.thanos(Fixtures.withInvalid(), "t", 1).toByteArray()));
      assertEquals(ForwardOutcome.BAD_DATA, r.outcome());
      assertTrue(r.message().contains("ALREADY_EXISTS"), r.message());
      assertTrue(r.message().contains("invalid_labels=1"), r.message());
      assertEquals(5, sink.next().series().size(), "the valid series are written");
    }
  }

  @Test
  void invalidRequestsAreBadDataAndNeverReachTheSink() throws Exception {
    try (ForwardClient c = client(options())) {
      ForwardResult malformed = get(c.send(new byte[] {0x0A, 0x05, 1}));
      assertEquals(ForwardOutcome.BAD_DATA, malformed.outcome());
      assertTrue(
          malformed.message().contains("INVALID_ARGUMENT: truncated message"), malformed.message());

      ForwardResult tenant = get(c.forward(batch, new int[] {0}, 1, "no/slashes", 0));
      assertEquals(ForwardOutcome.BAD_DATA, tenant.outcome());
      assertTrue(
          tenant.message().contains("INVALID_ARGUMENT: invalid tenant id"), tenant.message());

      ForwardResult replica = get(c.forward(batch, new int[] {0}, 1, "t", 3));
      assertEquals(ForwardOutcome.BAD_DATA, replica.outcome());
      assertTrue(
          replica.message().contains("request replica 4 exceeds receiver replication factor 3"),
          replica.message());

      assertEquals(
          ForwardResult.OK,
          get(c.forward(batch, new int[0], 0, "t", 2)),
          "nothing to write is fine");
    }
    assertTrue(sink.writes.isEmpty(), "the sink saw none of them");
    assertThrows(
        IllegalArgumentException.class,
        () -> client(options()).forward(batch, new int[] {0}, 1, "t", -1));
  }

  @Test
  void serverDownIsRetryableAndThePeerBacksOff() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String dead = "127.0.0.1:" + port;
    try (ForwardClient c = new ForwardClient(dead, options(), metrics)) {
      ForwardResult first = get(c.forward(batch, new int[] {0}, 1, "t", 0));
      assertEquals(ForwardOutcome.RETRYABLE, first.outcome());
      assertTrue(first.message().contains("UNAVAILABLE"), first.message());
      assertTrue(c.backingOff());

      ForwardResult skipped = get(c.forward(batch, new int[] {0}, 1, "t", 0));
      assertEquals(ForwardOutcome.RETRYABLE, skipped.outcome());
      assertTrue(skipped.message().contains("is backing off"), skipped.message());
      assertEquals(1, Scrape.counter(registry, "rwgateway_forward_backoff_skips", "peer", dead));
      assertEquals(
          1,
          Scrape.histogramCount(registry, "rwgateway_forward_duration_seconds", "peer", dead),
          "the skipped forward made no call");

      nanos.addAndGet(
          Duration.ofMillis(101).toNanos()); // the first failure closes the peer for exactly min
      ForwardResult retried = get(c.forward(batch, new int[] {0}, 1, "t", 0));
      assertFalse(retried.message().contains("backing off"), retried.message());
      assertEquals(
          2, Scrape.histogramCount(registry, "rwgateway_forward_duration_seconds", "peer", dead));
      assertEquals(
          3,
          Scrape.counter(
              registry, "rwgateway_forward_requests", "peer", dead, "outcome", "retryable"));
    }
  }

  @Test
  void deadlineExceededIsRetryableAndTheLateAnswerIsDropped() throws Exception {
    CompletableFuture<Status> slow = new CompletableFuture<>();
    sink.behavior = b -> slow;
    try (ForwardClient c = client(options().withTimeout(Duration.ofMillis(300)))) {
      ForwardResult r = get(c.forward(batch, new int[] {0}, 1, "t", 0));
      assertEquals(ForwardOutcome.RETRYABLE, r.outcome());
      assertTrue(r.message().contains("DEADLINE_EXCEEDED"), r.message());
      assertTrue(c.backingOff(), "a peer that does not answer in time is backed off too");
    }
    // The server sees the propagated deadline on its own clock; give it time to see it before
    // answering
    // late (completing at once raced the cancellation on a loaded machine).
    Thread.sleep(500);
    slow.complete(Status.OK);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Scrape.counter(registry, "rwgateway_forward_served", "code", "CANCELLED") < 1
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(1, Scrape.counter(registry, "rwgateway_forward_served", "code", "CANCELLED"));
  }

  @Test
  void oversizedRequestIsBadData() throws Exception {
    ForwardServer small =
        ForwardServer.start(
            ForwardServerOptions.defaults().withAddress("127.0.0.1", 0).withMaxMessageBytes(4096),
            sink,
            metrics,
            CLOCK);
    double[] v = new double[2000];
    long[] t = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1;
      t[i] = NOW - v.length + i;
    }
    byte[] big =
        Fixtures.thanos(
                List.of(
                    new Fixtures.S(Fixtures.labels("__name__", "big"), v, t, List.of(), List.of())),
                "t",
                0)
            .toByteArray();
    assertTrue(big.length > 4096);
    try {
      for (String compression : List.of("identity", "gzip")) {
        try (ForwardClient c =
            new ForwardClient(
                "127.0.0.1:" + small.port(), options().withCompression(compression), metrics)) {
          ForwardResult r = get(c.send(big));
          assertEquals(ForwardOutcome.BAD_DATA, r.outcome(), compression + ": " + r.message());
          assertTrue(r.message().contains("RESOURCE_EXHAUSTED"), r.message());
          assertFalse(c.backingOff(), "the peer answered: it is up");
        }
      }
    } finally {
      small.close();
    }
    assertTrue(sink.writes.isEmpty());
  }
}
