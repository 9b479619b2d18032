package io.rwgateway.ingest.forward;

import io.netty.buffer.ByteBuf;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.ingest.decode.RemoteWriteDecoder;
import io.rwgateway.model.TenantId;
import io.rwgateway.tsdb.WriteBatch;

/**
 * Decodes a forwarded write, Thanos' {@code thanos.WriteRequest}, from its raw bytes into a {@link
 * WriteBatch}, and resolves its envelope: the tenant and the replica number.
 *
 * <p>The series go through the remote write 1.0 decoder ({@link RemoteWriteDecoder#decodeThanos}):
 * the same in-place streaming read, the same per-series rules and limits, nothing allocated per
 * series or sample. A peer is not trusted more than a Prometheus: what a receiver would refuse over
 * HTTP it refuses over gRPC.
 *
 * <p>Not thread-safe: one per thread, like {@link RemoteWriteDecoder}.
 */
public final class ForwardDecoder {
  private final RemoteWriteDecoder decoder;
  private final String defaultTenant;
  private String tenant;
  private long replica;

  /** {@code defaultTenant} is used when a request's tenant field is empty, as Thanos does. */
  public ForwardDecoder(DecodeLimits limits, String defaultTenant) {
    String problem = TenantId.problem(defaultTenant);
    if (problem != null) {
      throw new IllegalArgumentException("default tenant: " + problem);
    }
    this.decoder = new RemoteWriteDecoder(limits);
    this.defaultTenant = defaultTenant;
  }

  /**
   * Decodes {@code body} (not released, reader index not moved) into {@code batch}, which the
   * caller has reset; sets {@code batch.tenant}. Series that break a rule are dropped and counted
   * in the batch, as for remote write.
   *
   * @throws DecodeException (400) when the body is not a well-formed {@code thanos.WriteRequest},
   *     the tenant is not a valid tenant id, or the replica is negative; the batch must then be
   *     discarded
   */
  public void decode(ByteBuf body, WriteBatch batch, long nowMillis) throws DecodeException {
    tenant = null;
    replica = 0;
    decoder.decodeThanos(body, batch, nowMillis);
    String t = decoder.thanosTenant();
    if (t.isEmpty()) {
      t = defaultTenant;
    }
    String problem = TenantId.problem(t);
    if (problem != null) {
      throw new DecodeException(DecodeException.BAD_REQUEST, problem);
    }
    long r = decoder.thanosReplica();
    if (r < 0) {
      throw new DecodeException(
          DecodeException.BAD_REQUEST,
          "replica " + r + " is negative: it is 0 (not replicated) or the 1-based replica number");
    }
    tenant = t;
    replica = r;
    batch.tenant = t;
  }

  /** The tenant of the last decoded request (the default tenant when it sent none). */
  public String tenant() {
    return tenant;
  }

  /** The replica field of the last decoded request: 0 when not replicated, else 1-based. */
  public long replica() {
    return replica;
  }

  /** The underlying decoder, for its counters. */
  public RemoteWriteDecoder decoder() {
    return decoder;
  }
}
