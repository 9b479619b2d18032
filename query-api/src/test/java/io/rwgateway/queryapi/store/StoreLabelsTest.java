package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.OPTIONS;
import static io.rwgateway.queryapi.store.Fixture.assertStatus;
import static io.rwgateway.queryapi.store.Fixture.eq;
import static io.rwgateway.queryapi.store.Fixture.m;
import static io.rwgateway.queryapi.store.Fixture.re;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreLabelsTest extends ServerTestBase {
  private final FakeChunkStore data = Fixture.twoTenants();
  private final StoreGrpc.StoreBlockingStub stub = start(data, OPTIONS).store();

  private static LabelNamesRequest.Builder names(LabelMatcher... matchers) {
    LabelNamesRequest.Builder b =
        LabelNamesRequest.newBuilder().setStart(Fixture.PROM_MIN).setEnd(Fixture.PROM_MAX);
    for (LabelMatcher x : matchers) {
      b.addMatchers(x);
    }
    return b;
  }

  private static LabelValuesRequest.Builder values(String label, LabelMatcher... matchers) {
    LabelValuesRequest.Builder b =
        LabelValuesRequest.newBuilder()
            .setLabel(label)
            .setStart(Fixture.PROM_MIN)
            .setEnd(Fixture.PROM_MAX);
    for (LabelMatcher x : matchers) {
      b.addMatchers(x);
    }
    return b;
  }

  private List<String> call(LabelNamesRequest.Builder r) {
    return stub.labelNames(r.build()).getNamesList();
  }

  private List<String> call(LabelValuesRequest.Builder r) {
    return stub.labelValues(r.build()).getValuesList();
  }

  @Test
  void labelNamesOfAllTenantsWithExternalAndTenantLabels() {
    assertEquals(
        List.of("__name__", "cluster", "code", "instance", "job", "replica", "team", "tenant_id"),
        call(names()));
    assertEquals(Fixture.PROM_MIN, data.lastMint);
    assertEquals(Fixture.PROM_MAX, data.lastMaxt);
    assertEquals(
        List.of("__name__", "cluster", "instance", "job", "replica", "team", "tenant_id"),
        call(names(eq("tenant_id", "beta"))));
    assertEquals(
        List.of("__name__", "cluster", "replica", "team", "tenant_id"),
        call(names(eq("__name__", "other"))));
    assertEquals(List.of(), call(names(eq("__name__", "nothing"))), "no series: no names at all");
    assertEquals(List.of(), call(names(eq("cluster", "us"))));
  }

  @Test
  void labelNamesWithoutReplicaLabelsLimitAndTimeRange() {
    assertEquals(
        List.of("__name__", "cluster", "code", "instance", "team", "tenant_id"),
        call(names().addWithoutReplicaLabels("replica").addWithoutReplicaLabels("job")));
    assertEquals(List.of("__name__", "cluster", "code"), call(names().setLimit(3)));
    assertEquals(
        List.of("__name__", "cluster", "replica", "team", "tenant_id"),
        call(names().setStart(100_000).setEnd(Long.MAX_VALUE)));
    assertEquals(List.of(), call(names().setStart(Long.MIN_VALUE).setEnd(999)));
  }

  @Test
  void labelValuesOfStoredLabels() {
    assertEquals(List.of("api", "db"), call(values("job")));
    assertEquals(List.of("api"), call(values("job", eq("tenant_id", "beta"))));
    assertEquals(List.of("a:1", "b:1", "c:1"), call(values("instance")));
    assertEquals(List.of("a:1"), call(values("instance").setLimit(1)));
    assertEquals(List.of("200"), call(values("code", re("job", "ap.*"))));
    assertEquals(List.of(), call(values("code", re("job", "ap"))), "anchored regex");
    assertEquals(List.of(), call(values("nobody_has_this")));
    assertEquals(List.of("api"), call(values("job").setStart(1_000).setEnd(1_200)));
  }

  @Test
  void labelValuesOfTenantAndExternalLabelsComeFromTheirValues() {
    assertEquals(List.of("alpha", "beta"), call(values("tenant_id")));
    assertEquals(List.of(), data.openedTenants, "answered without opening the data");
    assertEquals(List.of("beta"), call(values("tenant_id", eq("__name__", "other"))));
    assertEquals(List.of("alpha"), call(values("tenant_id", eq("code", "200"))));
    assertEquals(List.of(), call(values("tenant_id", eq("__name__", "nothing"))));
    assertEquals(
        List.of("alpha"), call(values("tenant_id", m(LabelMatcher.Type.NEQ, "tenant_id", "beta"))));
    assertEquals(List.of("eu"), call(values("cluster")));
    assertEquals(List.of(), call(values("cluster", eq("cluster", "us"))));
    assertEquals(
        List.of("alpha"), call(values("tenant_id").setStart(Long.MIN_VALUE).setEnd(1_200)));
    assertEquals(List.of("alpha"), call(values("tenant_id").setLimit(1)));
  }

  @Test
  void labelValuesOfARemovedReplicaLabelAreEmpty() {
    assertEquals(List.of(), call(values("replica").addWithoutReplicaLabels("replica")));
    assertEquals(List.of(), call(values("job").addWithoutReplicaLabels("job")));
    assertEquals(List.of("r1"), call(values("replica").addWithoutReplicaLabels("job")));
  }

  @Test
  void errors() {
    assertEquals(
        "label name parameter cannot be empty",
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> call(values("")))
            .getStatus()
            .getDescription());
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> call(values("job", re("job", "(("))));
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> call(names(re("job", "(("))));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        () ->
            call(
                names(
                    LabelMatcher.newBuilder().setTypeValue(9).setName("a").setValue("").build())));
    data.readable = false;
    assertStatus(Status.Code.UNAVAILABLE, () -> call(names()));
    assertStatus(Status.Code.UNAVAILABLE, () -> call(values("job")));
  }

  @Test
  void notReady() {
    StoreGrpc.StoreBlockingStub s = start(data, () -> false, OPTIONS).store();
    assertStatus(Status.Code.UNAVAILABLE, () -> s.labelNames(names().build()));
    assertStatus(Status.Code.UNAVAILABLE, () -> s.labelValues(values("job").build()));
    assertEquals(0, data.opened.get());
  }
}
