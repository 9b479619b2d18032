package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.eq;
import static io.rwgateway.queryapi.store.Fixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The StoreAPI as a sidecar serves it: component {@code sidecar}, one data set named by the
 * external labels alone (no tenant label), and external labels that follow the source's
 * configuration between calls.
 */
class SidecarModeTest extends ServerTestBase {
  private static final Labels UP = Labels.of("__name__", "up", "job", "api");

  @Test
  void announcesItselfAsASidecarWithTheCurrentExternalLabels() {
    FakeChunkStore d = new FakeChunkStore();
    Fixture.add(d, "prometheus", UP, 1_000, 1_000, 5);
    AtomicReference<StoreApiOptions> options =
        new AtomicReference<>(
            StoreApiOptions.defaults()
                .withExternalLabels(Map.of("cluster", "eu1", "replica", "a"))
                .asSidecar());
    StoreApiServer s = new StoreApiServer(d, () -> true, options::get);
    try {
      InfoResponse r = s.info().info(InfoRequest.getDefaultInstance());
      assertEquals("sidecar", r.getComponentType());
      assertEquals(List.of(set("cluster", "eu1", "replica", "a")), r.getLabelSetsList());
      assertEquals(1_000, r.getStore().getMinTime());

      // Series carry the external labels and no tenant label.
      assertEquals(
          List.of(Labels.of("__name__", "up", "cluster", "eu1", "job", "api", "replica", "a")),
          Fixture.series(s.store(), req(eq("__name__", "up")).build()).labels());
      assertEquals(
          List.of(),
          Fixture.series(s.store(), req(eq("__name__", "up"), eq("replica", "b")).build()).labels(),
          "a matcher the external labels reject selects nothing");

      // Prometheus' configuration changed: the next calls see the new labels.
      options.set(options.get().withExternalLabels(Map.of("cluster", "eu2", "replica", "b")));
      assertEquals(
          List.of(set("cluster", "eu2", "replica", "b")),
          s.info().info(InfoRequest.getDefaultInstance()).getLabelSetsList());
      assertEquals(
          List.of(Labels.of("__name__", "up", "cluster", "eu2", "job", "api", "replica", "b")),
          Fixture.series(s.store(), req(eq("replica", "b"), eq("job", "api")).build()).labels());
      assertEquals(
          List.of("__name__", "cluster", "job", "replica"),
          s.store()
              .labelNames(
                  LabelNamesRequest.newBuilder()
                      .setStart(Fixture.PROM_MIN)
                      .setEnd(Fixture.PROM_MAX)
                      .build())
              .getNamesList());
    } finally {
      s.close();
    }
  }

  private static ZLabelSet set(String... nv) {
    ZLabelSet.Builder b = ZLabelSet.newBuilder();
    for (int i = 0; i < nv.length; i += 2) {
      b.addLabels(Label.newBuilder().setName(nv[i]).setValue(nv[i + 1]));
    }
    return b.build();
  }
}
