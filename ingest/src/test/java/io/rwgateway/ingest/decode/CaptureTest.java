package io.rwgateway.ingest.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.tsdb.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

/**
 * Bodies sent by a real Prometheus 2.42 (see captures/README.txt), through the whole decode path.
 */
class CaptureTest {
  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());

  static byte[] resource(String name) throws IOException {
    try (InputStream in = CaptureTest.class.getResourceAsStream("/captures/" + name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prometheus-2.42-samples-1.snappy",
        "prometheus-2.42-samples-2.snappy",
        "prometheus-2.42-metadata.snappy"
      })
  void decodesExactlyWhatTheGeneratedParserReads(String file) throws Exception {
    byte[] compressed = resource(file);
    byte[] expected = Snappy.uncompress(compressed);
    ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(compressed.length);
    in.writeBytes(compressed);
    ByteBuf pb =
        SnappyBody.decompress(
            in, PooledByteBufAllocator.DEFAULT, DecodeLimits.defaults().maxDecompressedBytes());
    in.release();
    byte[] decompressed;
    try {
      decompressed = ByteBufUtil.getBytes(pb);
    } finally {
      pb.release();
    }
    assertEquals(expected.length, decompressed.length);
    // The captures were taken in the past; "now" is the test's clock.
    WriteBatch b =
        DecodeTestSupport.decode(decoder, decompressed, false, System.currentTimeMillis());
    DecodeTestSupport.assertMatchesV1(decompressed, b);
    WriteRequest req = WriteRequest.parseFrom(expected);
    if (file.contains("metadata")) {
      assertTrue(b.metaCount > 50, "metadata entries: " + b.metaCount);
      assertEquals(0, b.seriesCount);
    } else {
      assertTrue(b.seriesCount > 50 && b.sampleCount >= b.seriesCount, "series: " + b.seriesCount);
      assertEquals(req.getTimeseriesCount(), b.seriesCount);
    }
  }
}
