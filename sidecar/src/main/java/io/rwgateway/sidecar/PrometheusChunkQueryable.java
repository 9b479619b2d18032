package io.rwgateway.sidecar;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.DataUnavailableException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The data of the one Prometheus a sidecar runs next to, as a {@link ChunkQueryable} with a single
 * tenant, {@value #TENANT}: a sidecar has no tenants, and the StoreAPI and query API serve whatever
 * tenants a {@link ChunkQueryable} has.
 */
public final class PrometheusChunkQueryable implements ChunkQueryable {
  /**
   * The one tenant. The name is the receive role's default tenant ({@code
   * --receive.default-tenant-id}), so a reader that labels series with their tenant gives a
   * sidecar's series the same value as data written to a receiver without a tenant header.
   */
  public static final String TENANT = "default-tenant";

  private final PrometheusClient client;
  private final Supplier<Labels> externalLabels;
  private final LongSupplier minTime;
  private final boolean bare;

  /**
   * @param client the Prometheus to read
   * @param externalLabels its external labels as last read ({@link
   *     PrometheusClient#externalLabels}, refreshed by the caller as Prometheus' config can be
   *     reloaded); null while they are not known yet, which makes {@link #chunkQuerier} throw
   *     {@link IllegalStateException}, as Thanos' sidecar serves nothing before it has them
   * @param minTime oldest time (ms) served: the caller's {@code max(--min-time, }{@link
   *     PrometheusClient#lowestTimestamp}{@code )}, or {@link Long#MAX_VALUE} when unknown. It
   *     answers {@link #minTime}, and queriers start no earlier (as Thanos' sidecar clamps a
   *     request's start to it); {@link Long#MAX_VALUE} clamps nothing.
   */
  public PrometheusChunkQueryable(
      PrometheusClient client, Supplier<Labels> externalLabels, LongSupplier minTime) {
    this(client, externalLabels, minTime, false);
  }

  /**
   * @param bare serve series without the external labels ({@link RemoteReadChunkQuerier}'s bare
   *     mode): for the StoreAPI, which attaches them itself and decides matchers on them
   */
  public PrometheusChunkQueryable(
      PrometheusClient client,
      Supplier<Labels> externalLabels,
      LongSupplier minTime,
      boolean bare) {
    this.client = client;
    this.externalLabels = externalLabels;
    this.minTime = minTime;
    this.bare = bare;
  }

  /** Always {@value #TENANT}: whether Prometheus holds data is only known by asking it. */
  @Override
  public List<String> tenants() {
    return List.of(TENANT);
  }

  @Override
  public long minTime(String tenant) {
    return TENANT.equals(tenant) ? minTime.getAsLong() : Long.MAX_VALUE;
  }

  @Override
  public ChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
    if (!TENANT.equals(tenant)) {
      return ChunkQuerier.empty(mint, maxt);
    }
    Labels ext = externalLabels.get();
    if (ext == null) {
      throw new DataUnavailableException(
          "external labels of Prometheus at " + client.url() + " not read yet");
    }
    long oldest = minTime.getAsLong();
    long from = oldest == Long.MAX_VALUE ? mint : Math.max(mint, oldest);
    return new RemoteReadChunkQuerier(client, ext, bare, from, maxt);
  }
}
