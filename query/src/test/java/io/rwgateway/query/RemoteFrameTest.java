package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.tsdb.ChunkEncoding;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written decoder against messages written by protobuf's generated code. */
class RemoteFrameTest {
  private static RemoteFrame parse(byte[] b) {
    return RemoteFrame.SERIES.parseResponse(new ByteArrayInputStream(b));
  }

  private static Chunk raw(Chunk.Encoding type, String data) {
    return Chunk.newBuilder()
        .setType(type)
        .setData(ByteString.copyFromUtf8(data))
        .setHash(12345)
        .build();
  }

  @Test
  void seriesLabelsAndRawChunksAsSent() {
    SeriesResponse r =
        SeriesResponse.newBuilder()
            .setSeries(
                Series.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                    .addLabels(Label.newBuilder().setName("job").setValue("ä-api"))
                    .addLabels(Label.newBuilder().setName("empty"))
                    .addChunks(
                        AggrChunk.newBuilder()
                            .setMinTime(-5)
                            .setMaxTime(Long.MAX_VALUE)
                            .setRaw(raw(Chunk.Encoding.XOR, "xor bytes")))
                    // Aggregates only (downsampled data the proxy never asks for): left out.
                    .addChunks(
                        AggrChunk.newBuilder()
                            .setMinTime(1)
                            .setMaxTime(2)
                            .setCount(raw(Chunk.Encoding.XOR, "count")))
                    .addChunks(
                        AggrChunk.newBuilder()
                            .setMinTime(10)
                            .setMaxTime(20)
                            .setSum(raw(Chunk.Encoding.XOR, "sum"))
                            .setRaw(raw(Chunk.Encoding.FLOAT_HISTOGRAM, "fh"))))
            .build();
    RemoteFrame f = parse(r.toByteArray());
    assertArrayEquals(new String[] {"__name__", "up", "job", "ä-api", "empty", ""}, f.labels());
    assertNull(f.warning());
    assertEquals(
        List.of(
            new RemoteChunk(
                ChunkEncoding.XOR, -5, Long.MAX_VALUE, ByteString.copyFromUtf8("xor bytes")),
            new RemoteChunk(ChunkEncoding.FLOAT_HISTOGRAM, 10, 20, ByteString.copyFromUtf8("fh"))),
        f.chunks());
  }

  @Test
  void warningsHintsAndEmptyMessages() {
    RemoteFrame w =
        parse(SeriesResponse.newBuilder().setWarning("store x: slow").build().toByteArray());
    assertNull(w.labels());
    assertEquals("store x: slow", w.warning());
    RemoteFrame h =
        parse(
            SeriesResponse.newBuilder()
                .setHints(Any.newBuilder().setTypeUrl("t").setValue(ByteString.copyFromUtf8("v")))
                .build()
                .toByteArray());
    assertNull(h.labels());
    assertNull(h.warning());
    RemoteFrame empty = parse(new byte[0]);
    assertNull(empty.labels());
  }

  @Test
  void truncatedOrMalformedMessagesFail() {
    byte[] ok =
        SeriesResponse.newBuilder()
            .setSeries(
                Series.newBuilder()
                    .addLabels(Label.newBuilder().setName("a").setValue("b"))
                    .addChunks(
                        AggrChunk.newBuilder().setRaw(raw(Chunk.Encoding.XOR, "0123456789"))))
            .build()
            .toByteArray();
    for (int cut = 1; cut < ok.length; cut++) {
      byte[] part = Arrays.copyOf(ok, cut);
      assertThrows(RuntimeException.class, () -> parse(part), "cut at " + cut);
    }
    assertThrows(RuntimeException.class, () -> parse(new byte[] {0x0b})); // wire type 3
  }
}
