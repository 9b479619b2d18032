package io.rwgateway.query;

import com.google.protobuf.ByteString;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.tsdb.ChunkEncoding;

/**
 * One raw chunk as an endpoint sent it, bytes untouched.
 *
 * @param encoding {@link ChunkEncoding}'s numbering (Prometheus'), not the StoreAPI's enum
 */
public record RemoteChunk(int encoding, long minTime, long maxTime, ByteString data) {
  /**
   * The raw chunk of a StoreAPI chunk; null when it has none (a downsampled aggregate only, which
   * this proxy does not ask for).
   */
  public static RemoteChunk of(AggrChunk c) {
    if (!c.hasRaw()) {
      return null;
    }
    // The StoreAPI numbers encodings from 0 (XOR), Prometheus from 1.
    int encoding = c.getRaw().getTypeValue() + 1;
    return new RemoteChunk(encoding, c.getMinTime(), c.getMaxTime(), c.getRaw().getData());
  }

  /** Same time range, encoding and bytes: the same chunk served by two endpoints. */
  public boolean sameAs(RemoteChunk o) {
    return minTime == o.minTime
        && maxTime == o.maxTime
        && encoding == o.encoding
        && data.equals(o.data);
  }
}
