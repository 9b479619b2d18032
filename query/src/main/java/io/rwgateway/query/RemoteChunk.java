package io.rwgateway.query;

import com.google.protobuf.ByteString;
import io.rwgateway.tsdb.ChunkEncoding;

/**
 * One raw chunk as an endpoint sent it, bytes untouched.
 *
 * @param encoding {@link ChunkEncoding}'s numbering (Prometheus'), not the StoreAPI's enum
 */
public record RemoteChunk(int encoding, long minTime, long maxTime, ByteString data) {
  /** Same time range, encoding and bytes: the same chunk served by two endpoints. */
  public boolean sameAs(RemoteChunk o) {
    return minTime == o.minTime
        && maxTime == o.maxTime
        && encoding == o.encoding
        && data.equals(o.data);
  }
}
