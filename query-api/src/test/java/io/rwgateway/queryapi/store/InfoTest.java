package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.OPTIONS;
import static io.rwgateway.queryapi.store.Fixture.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.infopb.StoreInfo;
import io.rwgateway.proto.thanos.infopb.TSDBInfo;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InfoTest extends ServerTestBase {
  private static ZLabelSet set(String... nv) {
    ZLabelSet.Builder b = ZLabelSet.newBuilder();
    for (int i = 0; i < nv.length; i += 2) {
      b.addLabels(Label.newBuilder().setName(nv[i]).setValue(nv[i + 1]));
    }
    return b.build();
  }

  private InfoResponse info(FakeChunkStore d, StoreApiOptions o) {
    return start(d, o).info().info(InfoRequest.getDefaultInstance());
  }

  @Test
  void oneLabelSetAndTsdbInfoPerTenant() {
    FakeChunkStore d = Fixture.twoTenants();
    InfoResponse r = info(d, OPTIONS);
    assertEquals("receive", r.getComponentType());
    ZLabelSet alpha = set("cluster", "eu", "replica", "r1", "tenant_id", "alpha");
    ZLabelSet beta = set("cluster", "eu", "replica", "r1", "tenant_id", "beta");
    assertEquals(List.of(alpha, beta), r.getLabelSetsList());
    assertTrue(r.hasStore());
    StoreInfo s = r.getStore();
    assertEquals(1_000, s.getMinTime(), "alpha's oldest sample");
    assertEquals(Long.MAX_VALUE, s.getMaxTime());
    assertTrue(s.getSupportsWithoutReplicaLabels());
    assertFalse(s.getSupportsSharding());
    assertEquals(
        List.of(
            TSDBInfo.newBuilder()
                .setLabels(alpha)
                .setMinTime(1_000)
                .setMaxTime(Long.MAX_VALUE)
                .build(),
            TSDBInfo.newBuilder()
                .setLabels(beta)
                .setMinTime(1_500)
                .setMaxTime(Long.MAX_VALUE)
                .build()),
        s.getTsdbInfosList());
    assertFalse(r.hasRules() || r.hasMetricMetadata() || r.hasTargets() || r.hasExemplars());
    assertFalse(r.hasQuery());
    assertEquals(0, d.opened.get(), "Info reads no data");
  }

  @Test
  void emptyStores() {
    StoreInfo none = info(new FakeChunkStore(), OPTIONS).getStore();
    assertEquals(Long.MIN_VALUE, none.getMinTime(), "no tenants: Thanos' proxy answers MinInt64");
    assertEquals(Long.MAX_VALUE, none.getMaxTime());
    assertEquals(0, none.getTsdbInfosCount());

    InfoResponse empty = info(new FakeChunkStore().addEmptyTenant("e"), OPTIONS);
    assertEquals(
        Long.MAX_VALUE, empty.getStore().getMinTime(), "an empty TSDB: Prometheus' empty head");
    assertEquals(1, empty.getLabelSetsCount());
  }

  @Test
  void tenantLabelNameIsConfigurableAndWinsOverAnExternalLabel() {
    FakeChunkStore d = new FakeChunkStore().addEmptyTenant("t1");
    InfoResponse r =
        info(
            d,
            StoreApiOptions.defaults()
                .withTenantLabel("tenant")
                .withExternalLabels(Map.of("tenant", "ext", "a", "b", "zone", "z")));
    assertEquals(List.of(set("a", "b", "tenant", "t1", "zone", "z")), r.getLabelSetsList());
  }

  @Test
  void unavailableUntilReady() {
    AtomicBoolean ready = new AtomicBoolean();
    StoreApiServer s = start(Fixture.twoTenants(), ready::get, OPTIONS);
    assertStatus(Status.Code.UNAVAILABLE, () -> s.info().info(InfoRequest.getDefaultInstance()));
    ready.set(true);
    assertEquals(2, s.info().info(InfoRequest.getDefaultInstance()).getLabelSetsCount());
    assertEquals(
        1.0,
        Scrape.counter(s.registry, "rwgateway_storeapi_requests", "method", "Info", "code", "OK"));
    assertEquals(
        1.0,
        Scrape.counter(
            s.registry, "rwgateway_storeapi_requests", "method", "Info", "code", "UNAVAILABLE"));
  }
}
