package io.rwgateway.tsdb.db;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.TenantExtras;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * The TSDB's tenants as a {@link ChunkQueryable} and {@link TenantExtras}: what the StoreAPI and
 * the query API read.
 */
public final class TsdbReader implements ChunkQueryable, TenantExtras {
  private final Tsdb tsdb;

  public TsdbReader(Tsdb tsdb) {
    this.tsdb = tsdb;
  }

  @Override
  public List<String> tenants() {
    List<String> out = new ArrayList<>();
    for (TenantDb db : tsdb.tenants()) {
      out.add(db.tenant());
    }
    out.sort(null);
    return out;
  }

  @Override
  public long minTime(String tenant) {
    TenantDb db = tsdb.existingTenant(tenant);
    return db == null ? Long.MAX_VALUE : db.minTime();
  }

  @Override
  public ChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
    TenantDb db = tsdb.existingTenant(tenant);
    return db == null ? ChunkQuerier.empty(mint, maxt) : db.chunkQuerier(mint, maxt);
  }

  @Override
  public SortedMap<String, MetricMetadata> metadata(String tenant) {
    TenantDb db = tsdb.existingTenant(tenant);
    return db == null ? Collections.emptySortedMap() : db.allMetadata();
  }

  @Override
  public List<ExemplarData> exemplars(String tenant, Matcher[] matchers, long mint, long maxt) {
    TenantDb db = tsdb.existingTenant(tenant);
    return db == null ? List.of() : db.headQuerier().exemplars(matchers, mint, maxt);
  }
}
