package io.rwgateway.ingest.forward;

import static io.rwgateway.ingest.forward.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.Unpooled;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.ingest.decode.RemoteWriteDecoder;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.model.RejectReason;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.thanos.storepb.WriteRequest;
import io.rwgateway.tsdb.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Wire compatibility: Thanos WriteRequests built with the generated classes decode to exactly the
 * batch the remote write 1.0 decoder makes of the equivalent Prometheus request.
 */
class ForwardDecoderTest {
  private final ForwardDecoder forward =
      new ForwardDecoder(DecodeLimits.defaults(), "default-tenant");
  private final RemoteWriteDecoder v1 = new RemoteWriteDecoder(DecodeLimits.defaults());

  private void assertEquivalent(List<Fixtures.S> series, String tenant, long replica)
      throws Exception {
    byte[] thanos = Fixtures.thanos(series, tenant, replica).toByteArray();
    byte[] prometheus = Fixtures.prometheus(series).toByteArray();
    WriteBatch got = Batches.forward(forward, thanos);
    WriteBatch want = Batches.v1(v1, prometheus);
    Batches.assertSame(want, got);
  }

  @Test
  void sameBatchAsRemoteWrite1ForFloatsHistogramsExemplarsSpecialValues() throws Exception {
    assertEquivalent(Fixtures.series(), "team-a", 2);
    assertEquals("team-a", forward.tenant());
    assertEquals(2, forward.replica());

    WriteBatch b =
        Batches.forward(forward, Fixtures.thanos(Fixtures.series(), "team-a", 2).toByteArray());
    assertEquals("team-a", b.tenant);
    assertEquals(4, b.seriesCount);
    assertEquals(Fixtures.SPECIAL.length + 3, b.sampleCount);
    assertEquals(
        Fixtures.STALE_NAN_BITS,
        Double.doubleToRawLongBits(b.sampleV[6]),
        "staleness marker bits kept");
    assertEquals(3, b.histCount);
    assertEquals(4, b.exCount);
    assertEquals(
        Labels.of("__name__", "rpc_seconds", "svc", "ünïcødé ✓ 🚀"),
        LabelBytes.decode(b.bytes, b.seriesLabelsOff[1], b.seriesLabelsLen[1]),
        "empty-valued label dropped");
    assertEquals(
        Labels.of("span_id", "7", "trace_id", "abc123"),
        LabelBytes.decode(b.bytes, b.exLabelsOff[0], b.exLabelsLen[0]),
        "exemplar labels sorted");
    assertEquals(Long.MIN_VALUE + 1, b.sampleT[b.sampleCount - 1]);
    assertEquals(0, b.rejectedTotal());
  }

  @Test
  void sameRejectionsAsRemoteWrite1() throws Exception {
    assertEquivalent(Fixtures.withInvalid(), "t", 1);
    WriteBatch b =
        Batches.forward(forward, Fixtures.thanos(Fixtures.withInvalid(), "t", 1).toByteArray());
    assertEquals(1, b.rejected[RejectReason.INVALID_LABELS.ordinal()]);
    assertEquals(2, b.rejected[RejectReason.MISSING_METRIC_NAME.ordinal()]);
    assertEquals(1, b.rejected[RejectReason.TOO_FAR_IN_FUTURE.ordinal()]);
    assertNotNull(b.firstBadData);
  }

  @Test
  void randomRequestsMatchRemoteWrite1() throws Exception {
    Random rnd = new Random(7);
    for (int i = 0; i < 300; i++) {
      assertEquivalent(Fixtures.random(rnd), "tenant-" + rnd.nextInt(3), rnd.nextInt(4));
    }
  }

  @Test
  void emptyTenantIsTheDefaultAndNoReplicaIsZero() throws Exception {
    WriteBatch b =
        Batches.forward(forward, Fixtures.thanos(Fixtures.series(), "", 0).toByteArray());
    assertEquals("default-tenant", b.tenant);
    assertEquals("default-tenant", forward.tenant());
    assertEquals(0, forward.replica());
    // An empty request is valid: nothing to write.
    b = Batches.forward(forward, new byte[0]);
    assertEquals(0, b.seriesCount);
    assertEquals("default-tenant", b.tenant);
  }

  /**
   * Field 3 is int64 replica in thanos.WriteRequest but MetricMetadata in prometheus.WriteRequest.
   */
  @Test
  void field3IsReplicaNotMetadata() throws Exception {
    io.rwgateway.proto.prompb.WriteRequest withMetadata =
        io.rwgateway.proto.prompb.WriteRequest.newBuilder()
            .addMetadata(MetricMetadata.newBuilder().setMetricFamilyName("m"))
            .build();
    DecodeException e =
        assertThrows(
            DecodeException.class, () -> Batches.forward(forward, withMetadata.toByteArray()));
    assertEquals(
        "field 3 of thanos.WriteRequest has wire type 2, expected 0 (varint)", e.getMessage());

    byte[] withReplica = Fixtures.thanos(Fixtures.series(), "", 3).toByteArray();
    e = assertThrows(DecodeException.class, () -> Batches.v1(v1, withReplica));
    assertEquals(
        "field 3 of WriteRequest has wire type 0, expected 2 (length-delimited)", e.getMessage());
  }

  @Test
  void badTenantAndReplicaAre400() throws Exception {
    assertEquals(
        "invalid tenant id \"a/b\": use 1-128 characters from [A-Za-z0-9._-], not \".\" or \"..\"",
        fails(Fixtures.thanos(List.of(), "a/b", 1).toByteArray()).getMessage());
    assertTrue(
        fails(Fixtures.thanos(List.of(), "bucket", 1).toByteArray())
            .getMessage()
            .contains("reserved"));
    assertTrue(
        fails(Fixtures.thanos(List.of(), "x".repeat(129), 1).toByteArray())
            .getMessage()
            .startsWith("tenant of thanos.WriteRequest is 129 bytes long"));
    assertTrue(
        fails(Fixtures.thanos(List.of(), "", -1).toByteArray())
            .getMessage()
            .startsWith("replica -1 is negative"));
    byte[] badUtf8 = write(c -> c.writeByteArray(2, new byte[] {'a', (byte) 0xC3}));
    assertEquals("tenant of thanos.WriteRequest is not valid UTF-8", fails(badUtf8).getMessage());
  }

  private DecodeException fails(byte[] body) {
    DecodeException e = assertThrows(DecodeException.class, () -> Batches.forward(forward, body));
    assertEquals(400, e.status());
    return e;
  }

  /**
   * Cut a valid body everywhere: we fail exactly when the generated parser fails, and only with a
   * 400.
   */
  @Test
  void truncatedAtEveryCutPoint() throws Exception {
    byte[] body = Fixtures.thanos(Fixtures.series(), "team-a", 2).toByteArray();
    int failures = 0;
    for (int cut = 0; cut < body.length; cut++) {
      byte[] part = Arrays.copyOf(body, cut);
      boolean parserOk = parses(part);
      try {
        Batches.forward(forward, part);
        assertTrue(parserOk, "cut at " + cut + ": decoded although the generated parser fails");
      } catch (DecodeException e) {
        assertEquals(400, e.status());
        assertTrue(
            !parserOk || part.length == 0 || e.getMessage().startsWith("invalid tenant"),
            "cut at " + cut + ": failed although the generated parser reads it: " + e.getMessage());
        failures++;
      }
    }
    assertTrue(failures > body.length / 2, "most cut points are inside a message: " + failures);
  }

  private static boolean parses(byte[] b) {
    try {
      WriteRequest.parseFrom(b);
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Random bytes and corruptions of valid bodies: success or a one-line 400, nothing else. */
  @Test
  void fuzzOnlyDecodeExceptionOrSuccess() throws Exception {
    Random rnd = new Random(42);
    byte[] seed = Fixtures.thanos(Fixtures.series(), "team-a", 2).toByteArray();
    int ok = 0;
    int bad = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] body;
      if (i % 3 == 0) {
        body = new byte[rnd.nextInt(200)];
        rnd.nextBytes(body);
      } else {
        body = seed.clone();
        for (int f = 1 + rnd.nextInt(4); f > 0; f--) {
          body[rnd.nextInt(body.length)] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(4) == 0) {
          body = Arrays.copyOf(body, rnd.nextInt(body.length));
        }
      }
      try {
        Batches.forward(forward, body);
        ok++;
      } catch (DecodeException e) {
        assertEquals(400, e.status());
        assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("\n"));
        bad++;
      }
    }
    assertTrue(ok > 100 && bad > 100, "both outcomes exercised: ok=" + ok + " bad=" + bad);
  }

  interface Body {
    void write(CodedOutputStream c) throws Exception;
  }

  static byte[] write(Body body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    body.write(c);
    c.flush();
    return out.toByteArray();
  }

  @Test
  void lastTenantFieldWinsAndStringIsReusedForRepeatedTenants() throws Exception {
    byte[] twice =
        write(
            c -> {
              c.writeString(2, "first");
              c.writeInt64(3, 1);
              c.writeString(2, "second");
            });
    Batches.forward(forward, twice);
    String a = forward.tenant();
    assertEquals("second", a);
    Batches.forward(forward, twice);
    assertTrue(a == forward.tenant(), "same tenant bytes, same String: no allocation per request");
    assertEquals(NOW, Fixtures.NOW);
  }

  /**
   * Allocation is measured, not hoped for: a warm decoder and batch allocate a small constant per
   * request.
   */
  @Test
  void decodingAllocatesNothingPerSeriesOrSample() throws Exception {
    java.lang.management.ThreadMXBean std = ManagementFactory.getThreadMXBean();
    assumeTrue(
        std instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) std;
    assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
    long small = allocatedPerDecode(mx, 10, 10);
    long large = allocatedPerDecode(mx, 2_000, 50);
    assertTrue(
        large < 512,
        "bytes allocated decoding 100k samples: " + large + " (10 samples: " + small + ")");
    assertTrue(
        large <= small + 256, "allocation grows with the request: " + small + " -> " + large);
  }

  private long allocatedPerDecode(
      com.sun.management.ThreadMXBean mx, int seriesCount, int samplesPerSeries) throws Exception {
    List<Fixtures.S> series = new ArrayList<>();
    for (int i = 0; i < seriesCount; i++) {
      double[] v = new double[samplesPerSeries];
      long[] t = new long[samplesPerSeries];
      for (int k = 0; k < v.length; k++) {
        v[k] = i * 0.5 + k;
        t[k] = NOW - 60_000 + k;
      }
      series.add(
          new Fixtures.S(
              Fixtures.labels("__name__", "m", "instance", "host-" + i, "job", "j"),
              v,
              t,
              List.of(new Fixtures.Ex(Fixtures.labels("trace_id", "t" + i), 1, NOW)),
              List.of()));
    }
    // As the server does it: the request read into a reused array, wrapped per request.
    // (A pooled buffer would be leak-tracked with a recorded trace per access in tests.)
    byte[] body = Fixtures.thanos(series, "team-a", 1).toByteArray();
    WriteBatch b = new WriteBatch();
    for (int i = 0; i < 50; i++) {
      b.reset();
      forward.decode(Unpooled.wrappedBuffer(body), b, NOW);
    }
    assertEquals(seriesCount * samplesPerSeries, b.sampleCount);
    long tid = Thread.currentThread().getId();
    int rounds = 20;
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < rounds; i++) {
      b.reset();
      forward.decode(Unpooled.wrappedBuffer(body), b, NOW);
    }
    return (mx.getThreadAllocatedBytes(tid) - before) / rounds;
  }
}
