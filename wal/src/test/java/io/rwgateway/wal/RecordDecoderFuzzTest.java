package io.rwgateway.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rwgateway.model.LabelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed payloads end in CorruptRecordException and nothing else: no index errors, no OOM. */
class RecordDecoderFuzzTest {
  private static final long SEED = 0x5eed_2026L;

  private static byte[] validPayload() {
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    byte[] labels = LabelBytes.encode("__name__", "m", "instance", "host:9100");
    byte[] hist = {0x08, 0x02, 0x10, 0x03};
    byte[] meta = "mhelpunit".getBytes(StandardCharsets.UTF_8);
    enc.addSeries(1, labels, 0, labels.length);
    enc.addSeries(2, labels, 0, labels.length);
    for (int i = 0; i < 20; i++) {
      enc.addSample(1 + (i / 7), 1_700_000_000_000L + i * 15_000L, i);
    }
    enc.addHistogram(2, 1_700_000_000_000L, hist, 0, hist.length);
    enc.addExemplar(1, 1_700_000_000_001L, 1.5, labels, 0, labels.length);
    enc.addMetadata(2, meta, 0, 1, 1, 4, 5, 4);
    ByteBuffer b = enc.finish();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Decodes and reports whether it parsed; any exception other than the checked one fails. */
  private static boolean parses(byte[] b, int len) {
    try {
      RecordDecoder.decode(ByteBuffer.wrap(b, 0, len), new Recorder());
      return true;
    } catch (CorruptRecordException expected) {
      return false;
    } catch (Throwable t) {
      fail("decoder threw " + t + " on " + Recorder.hex(b, 0, len), t);
      return false;
    }
  }

  @Test
  void randomGarbage() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    int parsed = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] b = new byte[rnd.nextInt(64)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) rnd.nextInt(256);
      }
      // Bias half of the inputs towards a plausible first section so the fuzz gets past it.
      if (b.length > 0 && rnd.nextBoolean()) {
        b[0] = (byte) (1 + rnd.nextInt(5));
      }
      if (parses(b, b.length)) {
        parsed++;
      }
    }
    assertTrue(parsed < 50_000, "garbage should mostly be refused");
  }

  @Test
  void everyTruncationInsideASectionIsRefused() {
    byte[] valid = validPayload();
    assertTrue(parses(valid, valid.length));
    int[] boundaries = sectionBoundaries(valid);
    for (int len = 0; len < valid.length; len++) {
      boolean atBoundary = Arrays.binarySearch(boundaries, len) >= 0;
      assertEquals(atBoundary, parses(valid, len), "truncated to " + len + " of " + valid.length);
    }
  }

  @Test
  void bitFlipsAndByteMutationsNeverEscapeAsUncheckedExceptions() {
    byte[] valid = validPayload();
    SplittableRandom rnd = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 100_000; i++) {
      byte[] b = valid.clone();
      int mutations = 1 + rnd.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        int at = rnd.nextInt(b.length);
        if (rnd.nextBoolean()) {
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        } else {
          b[at] = (byte) rnd.nextInt(256);
        }
      }
      parses(b, b.length);
    }
  }

  @Test
  void hugeCountsAndLengthsAreRefusedWithoutAllocating() {
    // samples section claiming 2^62 samples in a 12-byte body
    byte[] hugeCount = {
      2,
      12,
      0,
      0,
      0,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      0x3f,
      1,
      0,
      0
    };
    assertThrows(
        CorruptRecordException.class, () -> RecordDecoder.validate(ByteBuffer.wrap(hugeCount)));
    // section body length of 2 GiB - 1
    byte[] hugeBody = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 0};
    assertThrows(
        CorruptRecordException.class, () -> RecordDecoder.validate(ByteBuffer.wrap(hugeBody)));
    // negative (as signed int) body length
    byte[] negativeBody = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0};
    assertThrows(
        CorruptRecordException.class, () -> RecordDecoder.validate(ByteBuffer.wrap(negativeBody)));
    // sections out of order, repeated, unknown
    assertThrows(
        CorruptRecordException.class,
        () ->
            RecordDecoder.validate(
                ByteBuffer.wrap(new byte[] {2, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0})));
    assertThrows(
        CorruptRecordException.class,
        () ->
            RecordDecoder.validate(
                ByteBuffer.wrap(new byte[] {1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0})));
    assertThrows(
        CorruptRecordException.class,
        () -> RecordDecoder.validate(ByteBuffer.wrap(new byte[] {6, 1, 0, 0, 0, 0})));
    assertThrows(
        CorruptRecordException.class,
        () -> RecordDecoder.validate(ByteBuffer.wrap(new byte[] {0, 1, 0, 0, 0, 0})));
    // a series whose labels have an odd number of strings
    assertThrows(
        CorruptRecordException.class,
        () -> RecordDecoder.validate(ByteBuffer.wrap(new byte[] {1, 5, 0, 0, 0, 1, 2, 2, 1, 'a'})));
  }

  /** Offsets at which a section ends (0 included): truncating there leaves a valid payload. */
  private static int[] sectionBoundaries(byte[] b) {
    int[] out = new int[8];
    int n = 0;
    int p = 0;
    out[n++] = 0;
    while (p < b.length) {
      int bodyLen = ByteSink.getIntLE(b, p + 1);
      p += 5 + bodyLen;
      out[n++] = p;
    }
    return Arrays.copyOf(out, n);
  }
}
