package io.rwgateway.ingest.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The "snappy" gRPC encoding is snappy's framing format, what Go's snappy.NewBufferedWriter
 * (Thanos' compressor) writes: a stream identifier chunk, then chunks with a masked CRC-32C.
 */
class SnappyCodecTest {
  /** An uncompressed-data chunk (type 0x01) as the framing format defines it, built by hand. */
  private static byte[] framed(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'});
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    int masked = ((c >>> 15) | (c << 17)) + 0xa282ead8;
    int len = data.length + 4;
    out.writeBytes(new byte[] {1, (byte) len, (byte) (len >>> 8), (byte) (len >>> 16)});
    out.writeBytes(
        new byte[] {
          (byte) masked, (byte) (masked >>> 8), (byte) (masked >>> 16), (byte) (masked >>> 24)
        });
    out.writeBytes(data);
    return out.toByteArray();
  }

  @Test
  void readsTheFramingFormatWrittenToTheSpec() throws IOException {
    byte[] msg = "a thanos.WriteRequest, more or less".getBytes(StandardCharsets.UTF_8);
    try (InputStream in = SnappyCodec.INSTANCE.decompress(new ByteArrayInputStream(framed(msg)))) {
      assertArrayEquals(msg, in.readAllBytes());
    }
    byte[] corrupt = framed(msg);
    corrupt[corrupt.length - 1] ^= 1;
    assertThrows(
        IOException.class,
        () -> {
          try (InputStream in =
              SnappyCodec.INSTANCE.decompress(new ByteArrayInputStream(corrupt))) {
            in.readAllBytes();
          }
        },
        "the checksum is verified");
  }

  @Test
  void writesTheFramingFormatAndRoundTrips() throws IOException {
    byte[] msg = new byte[200_000];
    new Random(1).nextBytes(msg);
    for (int i = 0; i < msg.length / 2; i++) {
      msg[i] = (byte) (i % 7); // some compressible, some not
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = SnappyCodec.INSTANCE.compress(sink)) {
      out.write(msg);
    }
    byte[] wire = sink.toByteArray();
    assertArrayEquals(
        new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'},
        Arrays.copyOf(wire, 10),
        "starts with the stream identifier");
    try (InputStream in = SnappyCodec.INSTANCE.decompress(new ByteArrayInputStream(wire))) {
      assertArrayEquals(msg, in.readAllBytes());
    }
    assertEquals("snappy", SnappyCodec.INSTANCE.getMessageEncoding());
  }
}
