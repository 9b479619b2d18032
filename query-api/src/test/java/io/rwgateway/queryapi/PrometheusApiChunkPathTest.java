package io.rwgateway.queryapi;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.Querier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every test of {@link PrometheusApiTest} again, with a chunk source: the series, labels and label
 * values endpoints then read through {@link ChunkQuerier}s (as the gateway serves them), which here
 * answer from the same in-memory queriers.
 */
class PrometheusApiChunkPathTest extends PrometheusApiTest {
  @Override
  PrometheusApi newApi(Function<String, Querier> querierForTenant) {
    return new PrometheusApi(
        querierForTenant,
        new ListChunks(querierForTenant),
        "THANOS-TENANT",
        "default-tenant",
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
        1000);
  }

  /** A chunk querier answers one selector at a time. */
  @Override
  int selectorsPerCall(int n) {
    return 1;
  }

  /** Chunk queriers (labels only) over list queriers. */
  private static final class ListChunks implements ChunkQueryable {
    private final Function<String, Querier> tenants;

    ListChunks(Function<String, Querier> tenants) {
      this.tenants = tenants;
    }

    @Override
    public List<String> tenants() {
      throw new UnsupportedOperationException("not used by the HTTP API");
    }

    @Override
    public long minTime(String tenant) {
      return Long.MIN_VALUE;
    }

    @Override
    public ChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
      Querier q = tenants.apply(tenant);
      return new ChunkQuerier() {
        @Override
        public ChunkSeriesSet select(Matcher... matchers) {
          throw new UnsupportedOperationException("the series endpoint reads labels only");
        }

        @Override
        public ChunkSeriesSet selectSeries(Matcher... matchers) {
          List<Labels> all =
              q == null
                  ? new ArrayList<>()
                  : new ArrayList<>(q.series(ChunkQuerier.asSelectors(matchers), mint, maxt));
          all.sort(LabelOrder.LABELS);
          return new ChunkSeriesSet() {
            int i = -1;

            @Override
            public boolean next() {
              return ++i < all.size();
            }

            @Override
            public Labels labels() {
              return all.get(i);
            }

            @Override
            public ChunkIterator chunks() {
              throw new IllegalStateException("labels only");
            }
          };
        }

        @Override
        public List<String> labelNames(Matcher... matchers) {
          return q == null
              ? List.of()
              : q.labelNames(ChunkQuerier.asSelectors(matchers), mint, maxt);
        }

        @Override
        public List<String> labelValues(String name, Matcher... matchers) {
          return q == null
              ? List.of()
              : q.labelValues(name, ChunkQuerier.asSelectors(matchers), mint, maxt);
        }

        @Override
        public long mint() {
          return mint;
        }

        @Override
        public long maxt() {
          return maxt;
        }

        @Override
        public void close() {}
      };
    }
  }
}
