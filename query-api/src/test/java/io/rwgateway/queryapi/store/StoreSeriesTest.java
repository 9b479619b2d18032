package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.A1;
import static io.rwgateway.queryapi.store.Fixture.A2;
import static io.rwgateway.queryapi.store.Fixture.A3;
import static io.rwgateway.queryapi.store.Fixture.A4;
import static io.rwgateway.queryapi.store.Fixture.B1;
import static io.rwgateway.queryapi.store.Fixture.B2;
import static io.rwgateway.queryapi.store.Fixture.B3;
import static io.rwgateway.queryapi.store.Fixture.OPTIONS;
import static io.rwgateway.queryapi.store.Fixture.assertSamples;
import static io.rwgateway.queryapi.store.Fixture.assertStatus;
import static io.rwgateway.queryapi.store.Fixture.eq;
import static io.rwgateway.queryapi.store.Fixture.m;
import static io.rwgateway.queryapi.store.Fixture.re;
import static io.rwgateway.queryapi.store.Fixture.req;
import static io.rwgateway.queryapi.store.Fixture.served;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.ChunkEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreSeriesTest extends ServerTestBase {
  private final FakeChunkStore data = Fixture.twoTenants();
  private final StoreGrpc.StoreBlockingStub stub = start(data, OPTIONS).store();

  private List<Labels> labels(LabelMatcher... matchers) {
    return Fixture.series(stub, req(matchers).build()).labels();
  }

  @Test
  void seriesOfBothTenantsInOneSortedStreamWithExternalAndTenantLabels() {
    // A4 {__name__="up"} is stored before A1/A2 but, with the added labels, sorts after every
    // longer "up" series: the prefix case the streaming reorder repairs.
    assertEquals(
        List.of(
            served(A3, "alpha"),
            served(B2, "beta"),
            served(A1, "alpha"),
            served(B3, "beta"),
            served(A2, "alpha"),
            served(B1, "beta"),
            served(A4, "alpha")),
        labels(re("__name__", ".+")));
    assertEquals(
        Labels.of(
            "__name__",
            "up",
            "cluster",
            "eu",
            "instance",
            "a:1",
            "job",
            "api",
            "replica",
            "r1",
            "tenant_id",
            "alpha"),
        served(A1, "alpha"),
        "the test's own notion of the served labels");
  }

  @Test
  void chunksDecodeToExactlyTheSamplesStored() {
    List<Series> got = Fixture.series(stub, req(eq("instance", "a:1")).build()).series();
    assertEquals(2, got.size());
    assertSamples(Fixture.expected(1_000, 1_000, 10), Fixture.samples(got.get(0)));
    assertSamples(Fixture.expected(20_000, 1_000, 3), Fixture.samples(got.get(1)));
    AggrChunk c = got.get(0).getChunks(0);
    assertEquals(1_000, c.getMinTime());
    assertEquals(10_000, c.getMaxTime());
    assertEquals(Chunk.Encoding.XOR, c.getRaw().getType());
    assertEquals(0, c.getRaw().getHash());
    assertFalse(c.hasCount() || c.hasSum() || c.hasMin() || c.hasMax() || c.hasCounter());
  }

  @Test
  void chunksKeepTheirOrderAndBytesAcrossManyChunks() {
    FakeChunkStore d = new FakeChunkStore();
    long[] t = Fixture.times(0, 15_000, 1000);
    double[] v = Fixture.values(7, 1000);
    d.add("t", Labels.of("__name__", "m"), t, v, 120);
    List<Series> got =
        Fixture.series(start(d, OPTIONS).store(), req(eq("__name__", "m")).build()).series();
    assertEquals(1, got.size());
    assertEquals(9, got.get(0).getChunksCount(), "1000 samples in chunks of 120");
    List<long[]> s = Fixture.samples(got.get(0));
    assertEquals(1000, s.size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(t[i], s.get(i)[0]);
      assertEquals(Double.doubleToRawLongBits(v[i]), s.get(i)[1]);
    }
  }

  @Test
  void histogramEncodingsAreRenumberedAndTinyChunksLeftOut() {
    FakeChunkStore d = new FakeChunkStore();
    byte[] xor = FakeChunkStore.xor(new long[] {10, 20}, new double[] {1, 2});
    d.addChunks(
        "t",
        Labels.of("__name__", "h"),
        List.of(
            new FakeChunkStore.StoredChunk(ChunkEncoding.HISTOGRAM, 1, 5, new byte[] {0, 1, 9}),
            new FakeChunkStore.StoredChunk(ChunkEncoding.XOR, 6, 6, new byte[] {0}),
            new FakeChunkStore.StoredChunk(ChunkEncoding.FLOAT_HISTOGRAM, 7, 9, new byte[] {0, 1}),
            new FakeChunkStore.StoredChunk(ChunkEncoding.XOR, 10, 20, xor)));
    List<Series> got =
        Fixture.series(start(d, OPTIONS).store(), req(eq("__name__", "h")).build()).series();
    List<AggrChunk> cs = got.get(0).getChunksList();
    assertEquals(3, cs.size(), "the 1-byte chunk is left out");
    assertEquals(Chunk.Encoding.HISTOGRAM, cs.get(0).getRaw().getType());
    assertEquals(1, cs.get(0).getRaw().getType().getNumber());
    assertEquals(Chunk.Encoding.FLOAT_HISTOGRAM, cs.get(1).getRaw().getType());
    assertEquals(2, cs.get(1).getRaw().getType().getNumber());
    assertEquals(Chunk.Encoding.XOR, cs.get(2).getRaw().getType());
    assertEquals(0, cs.get(2).getRaw().getType().getNumber());
    assertEquals(3, cs.get(0).getRaw().getData().size(), "bytes as stored");
    assertEquals(xor.length, cs.get(2).getRaw().getData().size());
  }

  @Test
  void allFourMatcherTypes() {
    assertEquals(
        List.of(served(A1, "alpha"), served(B3, "beta"), served(B1, "beta")),
        labels(eq("__name__", "up"), eq("job", "api")));
    assertEquals(
        List.of(served(A2, "alpha"), served(A4, "alpha")),
        labels(eq("__name__", "up"), m(LabelMatcher.Type.NEQ, "job", "api")));
    assertEquals(
        List.of(served(A3, "alpha"), served(B2, "beta")),
        labels(m(LabelMatcher.Type.RE, "__name__", "http_.*|oth.r")));
    assertEquals(
        List.of(served(A3, "alpha"), served(B2, "beta"), served(A4, "alpha")),
        labels(re("__name__", ".+"), m(LabelMatcher.Type.NRE, "instance", ".+")));
  }

  @Test
  void regexesAreFullyAnchored() {
    assertEquals(List.of(), labels(re("job", "ap")));
    assertEquals(List.of(), labels(re("job", "pi")));
    assertEquals(4, labels(re("job", "ap.*")).size());
    assertEquals(7, labels(re("__name__", ".+"), m(LabelMatcher.Type.NRE, "job", "ap")).size());
    assertEquals(
        List.of(served(A2, "alpha")),
        labels(re("__name__", ".+"), m(LabelMatcher.Type.NRE, "job", "api|")));
  }

  @Test
  void matchersOnTenantAndExternalLabelsPickTenantsBeforeOpeningThem() {
    assertEquals(
        List.of(served(B3, "beta"), served(B1, "beta")),
        labels(eq("tenant_id", "beta"), eq("__name__", "up")));
    assertEquals(List.of("beta"), data.openedTenants, "alpha never opened");

    data.openedTenants.clear();
    assertEquals(List.of(), labels(eq("cluster", "us"), eq("__name__", "up")));
    assertEquals(
        List.of(), labels(m(LabelMatcher.Type.NEQ, "replica", "r1"), eq("__name__", "up")));
    assertEquals(List.of(), data.openedTenants, "no tenant matches: nothing opened");

    assertEquals(5, labels(re("cluster", "e.*"), eq("__name__", "up")).size());
    assertEquals(
        List.of(served(A1, "alpha"), served(A2, "alpha"), served(A4, "alpha")),
        labels(m(LabelMatcher.Type.NRE, "tenant_id", "b.*"), eq("__name__", "up")));
  }

  @Test
  void noMatchersLeftIsInvalidArgument() {
    String msg = "no matchers specified (excluding external labels)";
    assertEquals(
        msg,
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> labels()).getStatus().getDescription());
    assertEquals(
        msg,
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> labels(eq("tenant_id", "alpha")))
            .getStatus()
            .getDescription());
    assertEquals(
        msg,
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> labels(eq("cluster", "eu")))
            .getStatus()
            .getDescription());
    // As Thanos: matchers that rule out every tenant answer nothing rather than an error.
    assertEquals(List.of(), labels(eq("tenant_id", "nope")));
    assertEquals(List.of(), data.openedTenants);
  }

  @Test
  void skipChunksSendsLabelsWithoutReadingChunkBytes() {
    Fixture.Answer a = Fixture.series(stub, req(re("__name__", ".+")).setSkipChunks(true).build());
    assertEquals(7, a.series().size());
    assertEquals(7, a.frames().size());
    for (Series s : a.series()) {
      assertEquals(0, s.getChunksCount());
    }
    assertEquals(0, data.byteReads.get(), "chunk bytes never read");
  }

  @Test
  void externalAndTenantLabelsOverrideStoredOnes() {
    FakeChunkStore d = new FakeChunkStore();
    // Stored, cluster=aa sorts first; once both say cluster=eu, job=x decides against zone=1's
    // replica=r1, so the served order is the reverse of the stored one.
    Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "aa", "zone", "1"), 0, 10, 2);
    Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "zz", "job", "x"), 100, 10, 2);
    Fixture.add(d, "t", Labels.of("__name__", "b", "tenant_id", "fake"), 200, 10, 2);
    List<Labels> got =
        Fixture.series(start(d, OPTIONS).store(), req(re("__name__", ".+")).build()).labels();
    assertEquals(
        List.of(
            Labels.of(
                "__name__", "a", "cluster", "eu", "job", "x", "replica", "r1", "tenant_id", "t"),
            Labels.of(
                "__name__", "a", "cluster", "eu", "replica", "r1", "tenant_id", "t", "zone", "1"),
            Labels.of("__name__", "b", "cluster", "eu", "replica", "r1", "tenant_id", "t")),
        got);
  }

  @Test
  void overriddenSeriesThatBecomeEqualAreMergedWithChunksInTimeOrder() {
    FakeChunkStore d = new FakeChunkStore();
    Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "aa"), 5_000, 10, 3);
    Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "bb"), 1_000, 10, 3);
    List<Series> got =
        Fixture.series(start(d, OPTIONS).store(), req(eq("__name__", "a")).build()).series();
    assertEquals(1, got.size());
    assertEquals(
        List.of(1_000L, 5_000L),
        got.get(0).getChunksList().stream().map(AggrChunk::getMinTime).toList());
  }

  @Test
  void withoutReplicaLabelsDropsExternalAndStoredLabels() {
    List<Labels> got =
        Fixture.series(
                stub, req(eq("__name__", "other")).addWithoutReplicaLabels("replica").build())
            .labels();
    assertEquals(
        List.of(Labels.of("__name__", "other", "cluster", "eu", "team", "x", "tenant_id", "beta")),
        got);

    FakeChunkStore d = new FakeChunkStore();
    Labels r1 = Labels.of("__name__", "m", "pod", "a", "rep", "1");
    Labels r2 = Labels.of("__name__", "m", "pod", "a", "rep", "2");
    Labels other = Labels.of("__name__", "m", "pod", "b", "rep", "1");
    byte[] same = FakeChunkStore.xor(new long[] {5_000, 6_000}, new double[] {1, 2});
    d.addChunks(
        "t",
        r1,
        List.of(
            new FakeChunkStore.StoredChunk(ChunkEncoding.XOR, 5_000, 6_000, same),
            new FakeChunkStore.StoredChunk(
                ChunkEncoding.XOR,
                9_000,
                9_000,
                FakeChunkStore.xor(new long[] {9_000}, new double[] {3}))));
    d.addChunks(
        "t",
        r2,
        List.of(
            new FakeChunkStore.StoredChunk(
                ChunkEncoding.XOR,
                1_000,
                2_000,
                FakeChunkStore.xor(new long[] {1_000, 2_000}, new double[] {4, 5})),
            new FakeChunkStore.StoredChunk(ChunkEncoding.XOR, 5_000, 6_000, same.clone())));
    Fixture.add(d, "t", other, 0, 10, 1);
    List<Series> merged =
        Fixture.series(
                start(d, OPTIONS).store(),
                req(eq("__name__", "m")).addWithoutReplicaLabels("rep").build())
            .series();
    assertEquals(2, merged.size(), "the two replicas of pod a became one series");
    assertEquals(
        Labels.of("__name__", "m", "cluster", "eu", "pod", "a", "replica", "r1", "tenant_id", "t"),
        Fixture.Answer.labels(merged.get(0)));
    assertEquals(
        List.of(1_000L, 5_000L, 9_000L),
        merged.get(0).getChunksList().stream().map(AggrChunk::getMinTime).toList(),
        "chunks of both in time order, the identical chunk once");
    assertEquals("b", Fixture.Answer.labels(merged.get(1)).get("pod"));
  }

  @Test
  void droppingTheTenantLabelMergesEqualSeriesOfDifferentTenants() {
    List<Series> got =
        Fixture.series(
                stub, req(eq("instance", "a:1")).addWithoutReplicaLabels("tenant_id").build())
            .series();
    assertEquals(1, got.size());
    assertEquals(
        Labels.of(
            "__name__", "up", "cluster", "eu", "instance", "a:1", "job", "api", "replica", "r1"),
        Fixture.Answer.labels(got.get(0)));
    List<long[]> want = new java.util.ArrayList<>(Fixture.expected(1_000, 1_000, 10));
    want.addAll(Fixture.expected(20_000, 1_000, 3));
    assertSamples(want, Fixture.samples(got.get(0)));
  }

  @Test
  void anOverrideCanMoveASeriesPastManyOthers() {
    FakeChunkStore d = new FakeChunkStore();
    for (int i = 1; i <= 3; i++) {
      Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "aa", "job", "j" + i), i, 10, 1);
    }
    // Stored last; served first: instance=x sorts before job=... once the cluster is eu.
    Fixture.add(d, "t", Labels.of("__name__", "a", "cluster", "zz", "instance", "x"), 0, 10, 1);
    List<Labels> got =
        Fixture.series(start(d, OPTIONS).store(), req(eq("__name__", "a")).build()).labels();
    assertEquals(4, got.size());
    assertEquals("x", got.get(0).get("instance"));
    assertEquals("j3", got.get(3).get("job"));
  }

  @Test
  void replicasThatBecomeEqualAfterOtherSeriesAreMerged() {
    FakeChunkStore d = new FakeChunkStore();
    // Stored order: (rep=1, z=1), (rep=1, z=2), (rep=1, z=3), (rep=2, z=1); without rep the first
    // and the last are one series, with z=2 and z=3 between them in the stored order.
    Fixture.add(d, "t", Labels.of("__name__", "m", "a", "1", "rep", "1", "z", "1"), 0, 10, 2);
    Fixture.add(d, "t", Labels.of("__name__", "m", "a", "1", "rep", "1", "z", "2"), 0, 10, 2);
    Fixture.add(d, "t", Labels.of("__name__", "m", "a", "1", "rep", "1", "z", "3"), 0, 10, 2);
    Fixture.add(d, "t", Labels.of("__name__", "m", "a", "1", "rep", "2", "z", "1"), 1_000, 10, 2);
    List<Series> got =
        Fixture.series(
                start(d, OPTIONS).store(),
                req(eq("__name__", "m")).addWithoutReplicaLabels("rep").build())
            .series();
    assertEquals(3, got.size());
    assertEquals("1", Fixture.Answer.labels(got.get(0)).get("z"));
    assertEquals(
        List.of(0L, 1_000L),
        got.get(0).getChunksList().stream().map(AggrChunk::getMinTime).toList());
    assertEquals("2", Fixture.Answer.labels(got.get(1)).get("z"));
  }

  @Test
  void limitTruncatesWithoutError() {
    List<Labels> all = labels(re("__name__", ".+"));
    Fixture.Answer a = Fixture.series(stub, req(re("__name__", ".+")).setLimit(2).build());
    assertEquals(all.subList(0, 2), a.labels());
    assertEquals(all, Fixture.series(stub, req(re("__name__", ".+")).setLimit(7).build()).labels());
    assertEquals(all, Fixture.series(stub, req(re("__name__", ".+")).setLimit(0).build()).labels());
  }

  @Test
  void extremeTimeBoundsPassThroughUnchanged() {
    assertEquals(7, labels(re("__name__", ".+")).size());
    assertEquals(Long.MIN_VALUE, data.lastMint);
    assertEquals(Long.MAX_VALUE, data.lastMaxt);

    Fixture.Answer a =
        Fixture.series(
            stub,
            req(re("__name__", ".+"))
                .setMinTime(Fixture.PROM_MIN)
                .setMaxTime(Fixture.PROM_MAX)
                .build());
    assertEquals(7, a.series().size());
    assertEquals(Fixture.PROM_MIN, data.lastMint);
    assertEquals(Fixture.PROM_MAX, data.lastMaxt);

    assertEquals(
        List.of(),
        Fixture.series(
                stub,
                req(re("__name__", ".+"))
                    .setMinTime(Long.MAX_VALUE)
                    .setMaxTime(Long.MAX_VALUE)
                    .build())
            .labels());
    assertEquals(
        List.of(),
        Fixture.series(
                stub,
                req(re("__name__", ".+"))
                    .setMinTime(Long.MIN_VALUE)
                    .setMaxTime(Long.MIN_VALUE)
                    .build())
            .labels());
    assertEquals(
        List.of(),
        Fixture.series(stub, req(re("__name__", ".+")).setMinTime(5_000).setMaxTime(4_000).build())
            .labels(),
        "an empty range");
  }

  @Test
  void timeRangeSelectsOverlappingChunksOnly() {
    // [100000, +inf): only B2 (from 100 s) has data.
    List<Labels> got =
        Fixture.series(
                stub,
                req(re("__name__", ".+")).setMinTime(100_000).setMaxTime(Long.MAX_VALUE).build())
            .labels();
    assertEquals(List.of(served(B2, "beta")), got);
    // Before every sample: alpha's oldest is 1000, beta's 1500; alpha is not even opened.
    data.openedTenants.clear();
    assertEquals(
        List.of(),
        Fixture.series(
                stub, req(re("__name__", ".+")).setMinTime(Long.MIN_VALUE).setMaxTime(999).build())
            .labels());
    assertEquals(List.of(), data.openedTenants);
  }

  @Test
  void ignoredFieldsAreAccepted() {
    Fixture.Answer a =
        Fixture.series(
            stub,
            req(eq("__name__", "up"))
                .addAggregates(io.rwgateway.proto.thanos.storepb.Aggr.COUNT)
                .addAggregates(io.rwgateway.proto.thanos.storepb.Aggr.SUM)
                .setMaxResolutionWindow(Long.MAX_VALUE)
                .setPartialResponseDisabled(true)
                .setPartialResponseStrategy(
                    io.rwgateway.proto.thanos.storepb.PartialResponseStrategy.ABORT)
                .setHints(com.google.protobuf.Any.newBuilder().setTypeUrl("x/y").build())
                .setQueryHints(
                    io.rwgateway.proto.thanos.storepb.QueryHints.newBuilder().setStepMillis(30_000))
                .setShardInfo(
                    io.rwgateway.proto.thanos.storepb.ShardInfo.newBuilder()
                        .setShardIndex(1)
                        .setTotalShards(2))
                .setStep(1)
                .setRange(2)
                .build());
    assertEquals(5, a.series().size(), "shard_info is not applied (supports_sharding = false)");
    assertTrue(a.series().get(0).getChunksCount() > 0, "raw chunks whatever the aggregates");
  }

  @Test
  void badMatchersAreInvalidArgument() {
    String d =
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> labels(re("job", "a(b")))
            .getStatus()
            .getDescription();
    assertTrue(d.contains("a(b"), d);
    assertEquals(
        "unrecognized label matcher type 7",
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                () ->
                    labels(
                        LabelMatcher.newBuilder()
                            .setTypeValue(7)
                            .setName("a")
                            .setValue("b")
                            .build()))
            .getStatus()
            .getDescription());
    assertEquals(0, data.opened.get());
  }

  @Test
  void aChunkThatCannotBeServedFailsTheCallAndClosesEveryQuerier() throws Exception {
    data.addChunks(
        "beta",
        Labels.of("__name__", "zz_broken"),
        List.of(new FakeChunkStore.StoredChunk(9, 0, 10, new byte[] {0, 1, 2})));
    String d =
        assertStatus(Status.Code.INTERNAL, () -> labels(re("__name__", ".+")))
            .getStatus()
            .getDescription();
    assertTrue(d.contains("unknown(9)"), d);
    assertEquals(2, data.opened.get());
    awaitNoOpenQueriers(data);
  }

  @Test
  void unreadableDataIsUnavailable() {
    data.readable = false;
    assertStatus(Status.Code.UNAVAILABLE, () -> labels(eq("__name__", "up")));
  }

  @Test
  void notReadyIsUnavailable() {
    StoreGrpc.StoreBlockingStub notReady = start(data, () -> false, OPTIONS).store();
    assertStatus(
        Status.Code.UNAVAILABLE, () -> Fixture.series(notReady, req(eq("__name__", "up")).build()));
    assertEquals(0, data.opened.get());
  }

  @Test
  void metricsCountCallsSeriesAndChunks() {
    StoreApiServer s = start(Fixture.twoTenants(), OPTIONS);
    Fixture.series(s.store(), req(eq("instance", "a:1")).build());
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> Fixture.series(s.store(), req().build()));
    assertEquals(
        1.0,
        Scrape.counter(
            s.registry, "rwgateway_storeapi_requests", "method", "Series", "code", "OK"));
    assertEquals(
        1.0,
        Scrape.counter(
            s.registry,
            "rwgateway_storeapi_requests",
            "method",
            "Series",
            "code",
            "INVALID_ARGUMENT"));
    assertEquals(2.0, Scrape.counter(s.registry, "rwgateway_storeapi_series_sent"));
    assertEquals(2.0, Scrape.counter(s.registry, "rwgateway_storeapi_chunks_sent"));
    assertEquals(
        2,
        Scrape.histogramCount(
            s.registry, "rwgateway_storeapi_request_duration_seconds", "method", "Series"));
  }
}
