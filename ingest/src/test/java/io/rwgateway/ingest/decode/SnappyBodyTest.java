package io.rwgateway.ingest.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class SnappyBodyTest {
  // A private allocator without thread caches, so that its arena metrics count exactly this
  // test's live buffers.
  private final PooledByteBufAllocator alloc =
      new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

  private long live() {
    long n = 0;
    for (PoolArenaMetric a : alloc.metric().directArenas()) {
      n += a.numActiveAllocations();
    }
    return n;
  }

  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    new Random(1).nextBytes(b);
    for (int i = 0; i < n; i += 3) {
      b[i] = 'a'; // compressible
    }
    return b;
  }

  private ByteBuf direct(byte[] b) {
    ByteBuf buf = alloc.directBuffer(b.length);
    buf.writeBytes(b);
    return buf;
  }

  private void assertDecompresses(ByteBuf in, byte[] expected) throws Exception {
    int readerIndex = in.readerIndex();
    ByteBuf out = SnappyBody.decompress(in, alloc, 1 << 20);
    try {
      assertTrue(out.isDirect());
      assertArrayEquals(expected, ByteBufUtil.getBytes(out));
      assertEquals(readerIndex, in.readerIndex(), "input not consumed");
    } finally {
      out.release();
      in.release();
    }
  }

  @Test
  void decompressesDirectHeapAndCompositeInput() throws Exception {
    byte[] raw = payload(100_000);
    byte[] compressed = Snappy.compress(raw);
    assertDecompresses(direct(compressed), raw);
    assertDecompresses(Unpooled.wrappedBuffer(compressed), raw);
    CompositeByteBuf composite = alloc.compositeDirectBuffer();
    composite.addComponent(true, direct(Arrays.copyOfRange(compressed, 0, 10)));
    composite.addComponent(true, direct(Arrays.copyOfRange(compressed, 10, compressed.length)));
    assertDecompresses(composite, raw);
  }

  @Test
  void emptyProtobufIsFine() throws Exception {
    assertDecompresses(direct(Snappy.compress(new byte[0])), new byte[0]);
  }

  @Test
  void emptyBodyIs400() {
    ByteBuf in = direct(new byte[0]);
    DecodeException e =
        assertThrows(DecodeException.class, () -> SnappyBody.decompress(in, alloc, 100));
    in.release();
    assertEquals(400, e.status());
    assertEquals("request body is empty", e.getMessage());
  }

  @Test
  void notSnappyIs400AndLeaksNothing() {
    byte[] text =
        "this is plain protobuf or text, not snappy at all............"
            .getBytes(StandardCharsets.US_ASCII);
    // Also: a valid header followed by garbage, and a body cut short.
    byte[] compressed = compressedOf(5000);
    byte[][] bad = {
      text,
      {(byte) 0x80, (byte) 0x80},
      Arrays.copyOf(compressed, compressed.length / 2),
      {10, 0x7f, 0x7f, 0x7f}
    };
    long before = live();
    for (byte[] b : bad) {
      ByteBuf in = direct(b);
      DecodeException e =
          assertThrows(DecodeException.class, () -> SnappyBody.decompress(in, alloc, 1 << 20));
      in.release();
      assertEquals(400, e.status(), e.getMessage());
      assertTrue(
          e.getMessage().startsWith("body is not valid snappy-compressed data: "), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"));
    }
    assertEquals(before, live(), "every buffer released on the error paths");
  }

  private static byte[] compressedOf(int n) {
    try {
      return Snappy.compress(payload(n));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void framedSnappyIsNamed() {
    byte[] framed = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y', 1, 2, 3};
    ByteBuf in = direct(framed);
    DecodeException e =
        assertThrows(DecodeException.class, () -> SnappyBody.decompress(in, alloc, 100));
    in.release();
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("framed"), e.getMessage());
  }

  @Test
  void declaredSizeOverLimitIs413BeforeAllocating() {
    // A 6-byte body that claims 2^31-1 bytes: must be refused without a 2 GiB allocation.
    byte[] liar = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0};
    long before = live();
    ByteBuf in = direct(liar);
    long memWithInput = alloc.metric().usedDirectMemory();
    DecodeException e =
        assertThrows(DecodeException.class, () -> SnappyBody.decompress(in, alloc, 32 << 20));
    assertEquals(
        memWithInput, alloc.metric().usedDirectMemory(), "nothing allocated for the output");
    assertEquals(before + 1, live(), "only the input buffer is live");
    in.release();
    assertEquals(before, live());
    assertEquals(413, e.status());
    assertEquals(
        "decompressed body would be 2147483647 bytes, over the limit of 33554432 bytes "
            + "(--remote-write.max-decompressed-bytes)",
        e.getMessage());

    // A real body just over a small limit.
    ByteBuf real = direct(compressedOf(1001));
    DecodeException e2 =
        assertThrows(DecodeException.class, () -> SnappyBody.decompress(real, alloc, 1000));
    real.release();
    assertEquals(413, e2.status());
  }
}
