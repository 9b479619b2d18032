package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The frame format as Prometheus writes it, and series split over frames. */
class ChunkedFrameReaderTest {
  private static final String URL = "http://prom:9090/api/v1/read";

  @Test
  void framesAreReadInOrderAndTheEndIsNull() {
    byte[] stream = concat(frame(response(series("a", 1))), frame(response(series("b", 2))));
    ChunkedFrameReader r = new ChunkedFrameReader(new ByteArrayInputStream(stream), URL);
    assertEquals("a", r.next().getChunkedSeries(0).getLabels(0).getValue());
    assertEquals("b", r.next().getChunkedSeries(0).getLabels(0).getValue());
    assertNull(r.next());
    assertEquals(2, r.frames());
  }

  @Test
  void aLargeFrameNeedsAMultiByteLength() {
    ChunkedReadResponse big = response(series("big", 1, new byte[70_000]));
    ChunkedFrameReader r = new ChunkedFrameReader(new ByteArrayInputStream(frame(big)), URL);
    assertEquals(big, r.next());
    assertNull(r.next());
  }

  @Test
  void aCorruptTruncatedOrOversizedFrameIsABadAnswerNamingTheUrl() {
    byte[] good = frame(response(series("a", 1)));
    byte[] flipped = good.clone();
    flipped[flipped.length - 1] ^= 1;
    assertBad("fails its CRC32C checksum", flipped);
    assertBad("ends before its", Arrays.copyOf(good, good.length - 1));
    assertBad("ends inside its checksum", Arrays.copyOf(good, 3));
    // A plain-text error Prometheus appends after a failure half-way reads as a huge length or a
    // checksum mismatch, never as data.
    byte[] text = "Internal Server Error: query failed\n".getBytes();
    PrometheusException e =
        assertThrows(
            PrometheusException.class,
            () -> new ChunkedFrameReader(new ByteArrayInputStream(text), URL).next());
    assertTrue(e.getMessage().contains(URL), e.getMessage());
    assertBad("more than 50000000", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
  }

  @Test
  void aSeriesSplitOverFramesIsJoinedAndExternalLabelsAttached() {
    byte[] stream =
        concat(
            frame(response(series("a", 1), series("a", 2))),
            frame(response(series("a", 3))),
            frame(response(series("b", 4))));
    FrameSeriesSource src =
        new FrameSeriesSource(
            new ChunkedFrameReader(new ByteArrayInputStream(stream), URL),
            new ExternalLabels(Labels.of("replica", "r1")),
            URL);
    ReadSeries a = src.next();
    assertEquals(Labels.of("job", "a", "replica", "r1"), a.labels());
    assertEquals(List.of(1L, 2L, 3L), a.chunks().stream().map(Chunk::getMinTimeMs).toList());
    ReadSeries b = src.next();
    assertEquals(Labels.of("job", "b", "replica", "r1"), b.labels());
    assertEquals(1, b.chunks().size());
    assertNull(src.next());
    assertNull(src.next());
  }

  @Test
  void chunksOfUnknownEncodingAreSkipped() {
    ChunkedSeries odd =
        ChunkedSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("job").setValue("a"))
            .addChunks(Chunk.newBuilder().setTypeValue(9).setMinTimeMs(1).setMaxTimeMs(1))
            .build();
    FrameSeriesSource src =
        new FrameSeriesSource(
            new ChunkedFrameReader(
                new ByteArrayInputStream(
                    concat(frame(response(odd)), frame(response(series("b", 5))))),
                URL),
            new ExternalLabels(Labels.EMPTY),
            URL);
    assertEquals(Labels.of("job", "b"), src.next().labels());
    assertNull(src.next());
  }

  private static void assertBad(String expected, byte[] stream) {
    PrometheusException e =
        assertThrows(
            PrometheusException.class,
            () -> new ChunkedFrameReader(new ByteArrayInputStream(stream), URL).next());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(URL), e.getMessage());
  }

  static ChunkedSeries series(String job, long t) {
    return series(job, t, new byte[] {0, 1, 2});
  }

  static ChunkedSeries series(String job, long t, byte[] data) {
    return ChunkedSeries.newBuilder()
        .addLabels(Label.newBuilder().setName("job").setValue(job))
        .addChunks(
            Chunk.newBuilder()
                .setType(Chunk.Encoding.XOR)
                .setMinTimeMs(t)
                .setMaxTimeMs(t)
                .setData(ByteString.copyFrom(data)))
        .build();
  }

  static ChunkedReadResponse response(ChunkedSeries... series) {
    return ChunkedReadResponse.newBuilder().addAllChunkedSeries(List.of(series)).build();
  }

  /** A frame as Prometheus' ChunkedWriter writes it. */
  static byte[] frame(ChunkedReadResponse msg) {
    byte[] m = msg.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = m.length;
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
    CRC32C crc = new CRC32C();
    crc.update(m);
    int c = (int) crc.getValue();
    out.write(c >>> 24);
    out.write(c >>> 16);
    out.write(c >>> 8);
    out.write(c);
    out.writeBytes(m);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
