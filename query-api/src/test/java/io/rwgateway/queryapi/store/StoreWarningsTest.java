package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.Fixture.OPTIONS;
import static io.rwgateway.queryapi.store.Fixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.PartialResponseStrategy;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a source made of several stores (the query role) reports through the StoreAPI: warnings of
 * stores it left out, and the partial response choice it is given.
 */
class StoreWarningsTest extends ServerTestBase {
  private final FakeChunkStore data = Fixture.twoTenants();
  private final StoreGrpc.StoreBlockingStub stub = start(data, OPTIONS).store();

  private static final LabelMatcher ANY_NAME =
      LabelMatcher.newBuilder()
          .setType(LabelMatcher.Type.RE)
          .setName("__name__")
          .setValue(".+")
          .build();

  @Test
  void seriesEndsWithTheWarningsAfterTheLastSeries() {
    data.warnings = List.of("endpoint 10.0.0.1:10901: unavailable");
    List<SeriesResponse> frames = new ArrayList<>();
    Iterator<SeriesResponse> it = stub.series(req(ANY_NAME).build());
    it.forEachRemaining(frames::add);
    // One warning per tenant's querier (the fixture has two tenants), after every series.
    int series = frames.size() - 2;
    for (int i = 0; i < series; i++) {
      assertEquals(SeriesResponse.ResultCase.SERIES, frames.get(i).getResultCase());
    }
    for (int i = series; i < frames.size(); i++) {
      assertEquals(SeriesResponse.ResultCase.WARNING, frames.get(i).getResultCase());
      assertEquals("endpoint 10.0.0.1:10901: unavailable", frames.get(i).getWarning());
    }
    assertEquals(7, series);
  }

  @Test
  void labelCallsCarryTheWarnings() {
    data.warnings = List.of("w");
    LabelNamesRequest names =
        LabelNamesRequest.newBuilder().setStart(Fixture.PROM_MIN).setEnd(Fixture.PROM_MAX).build();
    assertEquals(List.of("w", "w"), stub.labelNames(names).getWarningsList());
    LabelValuesRequest values =
        LabelValuesRequest.newBuilder()
            .setLabel("job")
            .setStart(Fixture.PROM_MIN)
            .setEnd(Fixture.PROM_MAX)
            .build();
    assertEquals(List.of("w", "w"), stub.labelValues(values).getWarningsList());
  }

  @Test
  void thePartialResponseStrategyReachesTheSource() {
    SeriesRequest.Builder r = req(ANY_NAME);
    stub.series(r.build()).forEachRemaining(x -> {});
    assertEquals(Boolean.TRUE, data.lastPartialResponse, "WARN, Thanos' default");
    stub.series(r.setPartialResponseStrategy(PartialResponseStrategy.ABORT).build())
        .forEachRemaining(x -> {});
    assertEquals(Boolean.FALSE, data.lastPartialResponse);
    stub.series(
            req(ANY_NAME)
                .setPartialResponseStrategy(PartialResponseStrategy.WARN)
                .setPartialResponseDisabled(true)
                .build())
        .forEachRemaining(x -> {});
    assertEquals(Boolean.FALSE, data.lastPartialResponse, "the deprecated flag still counts");
  }
}
