package io.rwgateway.ingest.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.ingest.decode.RemoteWriteDecoder;
import io.rwgateway.tsdb.WriteBatch;
import java.util.Arrays;

/** Decoding into fresh batches, and batch-by-batch comparison of every column. */
final class Batches {
  private Batches() {}

  /** Decodes with a direct pooled buffer (what a server hands over) and releases it. */
  static WriteBatch forward(ForwardDecoder d, byte[] body) throws DecodeException {
    WriteBatch b = new WriteBatch();
    b.reset();
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, body.length));
    try {
      buf.writeBytes(body);
      d.decode(buf, b, Fixtures.NOW);
      assertEquals(body.length, buf.readableBytes(), "decoder must not move the reader index");
    } finally {
      buf.release();
    }
    return b;
  }

  static WriteBatch v1(RemoteWriteDecoder d, byte[] body) throws DecodeException {
    WriteBatch b = new WriteBatch();
    b.reset();
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, body.length));
    try {
      buf.writeBytes(body);
      d.decodeV1(buf, b, Fixtures.NOW);
    } finally {
      buf.release();
    }
    return b;
  }

  /**
   * Every column of {@code got} equals {@code want}'s, byte for byte and bit for bit; tenant aside.
   */
  static void assertSame(WriteBatch want, WriteBatch got) {
    assertEquals(want.seriesCount, got.seriesCount, "series");
    for (int i = 0; i < want.seriesCount; i++) {
      assertEquals(want.seriesHash[i], got.seriesHash[i], "hash of series " + i);
      assertArrayEquals(
          range(want.bytes, want.seriesLabelsOff[i], want.seriesLabelsLen[i]),
          range(got.bytes, got.seriesLabelsOff[i], got.seriesLabelsLen[i]),
          "labels of series " + i);
      assertEquals(want.seriesFirstSample[i], got.seriesFirstSample[i]);
      assertEquals(want.seriesSampleCount[i], got.seriesSampleCount[i], "samples of series " + i);
      assertEquals(want.seriesFirstHistogram[i], got.seriesFirstHistogram[i]);
      assertEquals(
          want.seriesHistogramCount[i], got.seriesHistogramCount[i], "histograms of series " + i);
      assertEquals(want.seriesFirstExemplar[i], got.seriesFirstExemplar[i]);
      assertEquals(
          want.seriesExemplarCount[i], got.seriesExemplarCount[i], "exemplars of series " + i);
    }
    assertEquals(want.sampleCount, got.sampleCount, "samples");
    for (int s = 0; s < want.sampleCount; s++) {
      assertEquals(want.sampleT[s], got.sampleT[s], "t of sample " + s);
      assertEquals(
          Double.doubleToRawLongBits(want.sampleV[s]),
          Double.doubleToRawLongBits(got.sampleV[s]),
          "value bits of sample " + s);
    }
    assertEquals(want.histCount, got.histCount, "histograms");
    for (int h = 0; h < want.histCount; h++) {
      assertEquals(want.histT[h], got.histT[h]);
      assertArrayEquals(
          range(want.bytes, want.histOff[h], want.histLen[h]),
          range(got.bytes, got.histOff[h], got.histLen[h]),
          "bytes of histogram " + h);
    }
    assertEquals(want.exCount, got.exCount, "exemplars");
    for (int e = 0; e < want.exCount; e++) {
      assertEquals(want.exT[e], got.exT[e]);
      assertEquals(Double.doubleToRawLongBits(want.exV[e]), Double.doubleToRawLongBits(got.exV[e]));
      assertArrayEquals(
          range(want.bytes, want.exLabelsOff[e], want.exLabelsLen[e]),
          range(got.bytes, got.exLabelsOff[e], got.exLabelsLen[e]),
          "labels of exemplar " + e);
    }
    assertEquals(want.metaCount, got.metaCount, "metadata");
    assertArrayEquals(want.rejected, got.rejected, "rejected counts by reason");
    assertEquals(want.firstBadData, got.firstBadData);
    assertEquals(want.firstConflict, got.firstConflict);
  }

  static byte[] range(byte[] b, int off, int len) {
    return Arrays.copyOfRange(b, off, off + len);
  }
}
