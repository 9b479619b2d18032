package io.rwgateway.queryapi.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written frames against protobuf-java's own serialization of the same {@code
 * SeriesResponse}: byte for byte, over random series (negative, zero and huge times, every chunk
 * type, non-ASCII and empty strings, long series split over frames).
 */
class SeriesFramesTest {
  private static final String[] STRINGS = {
    "__name__", "up", "job", "", "é", "日本語", "emoji-\uD83D\uDE00", "bad-\uD800-surrogate", "x"
  };

  @Test
  void framesAreWhatProtobufWrites() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    for (int round = 0; round < 2000; round++) {
      int frameBytes = 64 + r.nextInt(4096);
      Labels labels = randomLabels(r);
      OutSeries.Builder b = new OutSeries.Builder();
      List<AggrChunk> expected = new ArrayList<>();
      int n = r.nextInt(12);
      for (int i = 0; i < n; i++) {
        long min = randomTime(r);
        long max = randomTime(r);
        int type = r.nextInt(3);
        byte[] data = new byte[2 + r.nextInt(r.nextBoolean() ? 50 : 3000)];
        r.nextBytes(data);
        b.add(min, max, type, ByteBuffer.wrap(data));
        expected.add(
            AggrChunk.newBuilder()
                .setMinTime(min)
                .setMaxTime(max)
                .setRaw(
                    Chunk.newBuilder()
                        .setType(Chunk.Encoding.forNumber(type))
                        .setData(ByteString.copyFrom(data)))
                .build());
      }
      SeriesFrames frames = new SeriesFrames(frameBytes);
      frames.start(b.build(labels));
      List<Label> protoLabels = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        protoLabels.add(
            Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
      }
      int sent = 0;
      do {
        SeriesFrame f = frames.next();
        int k = frames.lastChunkCount();
        assertTrue(k >= 1 || n == 0, "a frame without chunks for a series with chunks");
        SeriesResponse want =
            SeriesResponse.newBuilder()
                .setSeries(
                    Series.newBuilder()
                        .addAllLabels(protoLabels)
                        .addAllChunks(expected.subList(sent, sent + k)))
                .build();
        assertArrayEquals(want.toByteArray(), f.toByteArray(), "round " + round);
        assertEquals(want.getSerializedSize(), f.size());
        assertEquals(
            SeriesResponse.parseFrom(want.toByteArray()), SeriesResponse.parseFrom(drain(f)));
        if (k > 1) {
          assertTrue(f.size() <= frameBytes + 64, "frame of " + f.size());
        }
        sent += k;
      } while (frames.hasMoreChunks());
      assertEquals(n, sent);
    }
  }

  @Test
  void streamIsDrainableWithItsLengthOrReadable() throws Exception {
    OutSeries.Builder b = new OutSeries.Builder();
    b.add(1000, 2000, 0, ByteBuffer.wrap(new byte[] {0, 1, 7, 7}));
    SeriesFrames frames = new SeriesFrames(1 << 20);
    frames.start(b.build(Labels.of("__name__", "up")));
    SeriesFrame f = frames.next();
    byte[] want = f.toByteArray();

    InputStream in = SeriesFrame.MARSHALLER.stream(f);
    assertTrue(in instanceof Drainable && in instanceof KnownLength);
    assertEquals(want.length, in.available());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(want.length, ((Drainable) in).drainTo(out));
    assertArrayEquals(want, out.toByteArray());
    assertEquals(0, in.available());
    assertEquals(-1, in.read());

    InputStream read = SeriesFrame.MARSHALLER.stream(f);
    assertEquals(want[0] & 0xff, read.read());
    assertArrayEquals(Arrays.copyOfRange(want, 1, want.length), read.readAllBytes());
    assertFalse(read.available() > 0);
  }

  private static byte[] drain(SeriesFrame f) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((Drainable) SeriesFrame.MARSHALLER.stream(f)).drainTo(out);
    return out.toByteArray();
  }

  private static long randomTime(SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0:
        return 0;
      case 1:
        return -r.nextLong(1, Long.MAX_VALUE);
      case 2:
        return r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
      default:
        return r.nextLong(0, 4_000_000_000_000L);
    }
  }

  private static Labels randomLabels(SplittableRandom r) {
    int n = r.nextInt(6);
    String[] nv = new String[2 * n];
    for (int i = 0; i < n; i++) {
      nv[2 * i] = "n" + i + STRINGS[r.nextInt(STRINGS.length)];
      nv[2 * i + 1] = STRINGS[r.nextInt(STRINGS.length)];
    }
    return Labels.ofSorted(nv);
  }
}
