package io.rwgateway.ingest.decode;

import io.netty.buffer.ByteBuf;
import io.rwgateway.tsdb.WriteBatch;

/**
 * Decodes remote-write protobuf bodies (already decompressed, see {@link SnappyBody}) straight from
 * the {@link ByteBuf} into a columnar {@link WriteBatch}, without generated message objects and
 * without allocating per series or per sample. Thanos' receiver-to-receiver {@code
 * thanos.WriteRequest} carries the same series and is decoded here too, with the same rules.
 *
 * <p>One instance per event-loop thread: it keeps its scratch arrays between requests and is not
 * thread-safe. The caller sets {@code batch.tenant} and resets the batch before each call.
 *
 * <p>Two kinds of failure:
 *
 * <ul>
 *   <li>the body is not a well-formed message: {@link DecodeException} (400), and the batch
 *       contents are undefined and must be discarded;
 *   <li>a series, sample, histogram or exemplar breaks a rule or a limit: it is dropped and counted
 *       with {@link WriteBatch#reject}, and the rest of the request is kept.
 * </ul>
 *
 * The rules are in docs/format/remote-write.md.
 */
public final class RemoteWriteDecoder {
  // Which request message decode() reads.
  private static final int V1 = 1;
  private static final int V2 = 2;
  private static final int THANOS = 3;

  private final DecodeLimits limits;
  private final WireReader reader = new WireReader();
  private final DecodeStats stats = new DecodeStats();
  private final SeriesBuilder series;
  private final V1Decoder v1;
  private final V2Decoder v2;
  private final ThanosDecoder thanos;

  public RemoteWriteDecoder(DecodeLimits limits) {
    this.limits = limits;
    this.series = new SeriesBuilder(reader, limits, stats);
    this.v1 = new V1Decoder(reader, series, stats);
    this.v2 = new V2Decoder(reader, series, stats);
    this.thanos = new ThanosDecoder(reader, v1);
  }

  public DecodeLimits limits() {
    return limits;
  }

  /**
   * Decodes a remote write 1.0 {@code prometheus.WriteRequest}; the buffer is not released or
   * moved.
   */
  public void decodeV1(ByteBuf protobuf, WriteBatch batch, long nowMillis) throws DecodeException {
    stats.requestsV1++;
    decode(protobuf, batch, nowMillis, V1);
  }

  /**
   * Decodes a remote write 2.0 {@code io.prometheus.write.v2.Request}; the buffer is not released
   * or moved.
   */
  public void decodeV2(ByteBuf protobuf, WriteBatch batch, long nowMillis) throws DecodeException {
    stats.requestsV2++;
    decode(protobuf, batch, nowMillis, V2);
  }

  /**
   * Decodes a Thanos forwarding {@code thanos.WriteRequest} (a peer receiver's RemoteWrite call):
   * the same series as remote write 1.0, plus {@link #thanosTenant()} and {@link #thanosReplica()}.
   * The buffer is not released or moved.
   */
  public void decodeThanos(ByteBuf protobuf, WriteBatch batch, long nowMillis)
      throws DecodeException {
    stats.requestsThanos++;
    decode(protobuf, batch, nowMillis, THANOS);
  }

  /** The tenant field of the last {@link #decodeThanos} request as sent: "" when absent. */
  public String thanosTenant() {
    return thanos.tenant();
  }

  /**
   * The replica field of the last {@link #decodeThanos} request: 0 = not replicated, else 1-based.
   */
  public long thanosReplica() {
    return thanos.replica();
  }

  private void decode(ByteBuf protobuf, WriteBatch batch, long nowMillis, int kind)
      throws DecodeException {
    reader.reset(protobuf);
    series.startRequest(batch, nowMillis);
    try {
      switch (kind) {
        case V2 -> v2.decode();
        case THANOS -> thanos.decode();
        default -> v1.decode();
      }
    } catch (DecodeException e) {
      stats.requestsFailed++;
      throw e;
    } finally {
      series.finishRequest();
      reader.clear();
    }
  }

  /** Remote write 1.0 requests seen (decoded or failed). */
  public long requestsV1() {
    return stats.requestsV1;
  }

  /** Remote write 2.0 requests seen (decoded or failed). */
  public long requestsV2() {
    return stats.requestsV2;
  }

  /** Thanos forwarding requests seen (decoded or failed). */
  public long requestsThanos() {
    return stats.requestsThanos;
  }

  /** Requests that failed as a whole with a {@link DecodeException}. */
  public long requestsFailed() {
    return stats.requestsFailed;
  }

  /** RW 2.0 series that carried a created timestamp, which is not stored. */
  public long createdTimestampsIgnored() {
    return stats.createdTimestampsIgnored;
  }

  /** Metadata entries dropped: invalid UTF-8 in a string, or (RW 1.0) no metric family name. */
  public long metadataDropped() {
    return stats.metadataDropped;
  }
}
