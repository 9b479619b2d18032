package io.rwgateway.tsdb;

import io.rwgateway.model.Matcher;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * What a tenant keeps beside its samples: exemplars and metric metadata. Only the head keeps them
 * (blocks hold neither, as in Prometheus), so the answers cover what the head holds now. Readers
 * (the query API's {@code /api/v1/metadata} and {@code /api/v1/query_exemplars}) see this
 * interface, not the head.
 */
public interface TenantExtras {
  /** A source holding neither, for readers that have no head. */
  TenantExtras NONE =
      new TenantExtras() {
        @Override
        public SortedMap<String, MetricMetadata> metadata(String tenant) {
          return Collections.emptySortedMap();
        }

        @Override
        public List<ExemplarData> exemplars(
            String tenant, Matcher[] matchers, long mint, long maxt) {
          return List.of();
        }
      };

  /**
   * The latest metadata of each of {@code tenant}'s metric families, by family name in Go's byte
   * order; empty for an unknown tenant.
   */
  SortedMap<String, MetricMetadata> metadata(String tenant);

  /**
   * Exemplars with a time in [mint, maxt] of {@code tenant}'s series matching all {@code matchers},
   * each series' oldest first; empty for an unknown tenant.
   */
  List<ExemplarData> exemplars(String tenant, Matcher[] matchers, long mint, long maxt);
}
