package io.rwgateway.queryapi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.CRC32C;

/**
 * The frame format of a streamed remote-read answer (Prometheus' {@code
 * storage/remote/chunked.go}): each {@code prometheus.ChunkedReadResponse} message is preceded by
 * its length as an unsigned varint and the CRC32C (Castagnoli) of the message bytes, 4 bytes
 * big-endian.
 */
final class ChunkedFrames {
  private ChunkedFrames() {}

  static ByteBuf frame(ByteBufAllocator alloc, byte[] message) {
    CRC32C crc = new CRC32C();
    crc.update(message, 0, message.length);
    ByteBuf out = alloc.buffer(10 + 4 + message.length);
    long v = message.length;
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
    out.writeInt((int) crc.getValue());
    out.writeBytes(message);
    return out;
  }
}
