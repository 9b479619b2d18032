package io.rwgateway.ingest.decode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Decompresses a remote-write body: snappy in its block (raw) format, which is what Prometheus
 * sends with {@code Content-Encoding: snappy}, not the framed stream format.
 *
 * <p>The block format starts with the uncompressed length as a varint. It is read and checked
 * against the limit before any buffer is allocated, so a small body that claims a huge size costs
 * nothing.
 */
public final class SnappyBody {
  /** First bytes of the framed (stream) snappy format: a stream identifier chunk. */
  private static final int FRAMED_STREAM_ID = 0xff;

  private SnappyBody() {}

  /**
   * Returns a new pooled direct buffer with the decompressed bytes; the caller releases it. The
   * input is not released and its reader index is not moved.
   *
   * @throws DecodeException 400 for an empty or malformed body, 413 when the declared size is over
   *     {@code max}
   */
  public static ByteBuf decompress(ByteBuf compressed, ByteBufAllocator alloc, int max)
      throws DecodeException {
    int start = compressed.readerIndex();
    int n = compressed.readableBytes();
    if (n == 0) {
      throw DecodeException.badRequest("request body is empty");
    }
    long declared = 0;
    int headerLen = 0;
    for (int shift = 0; ; shift += 7) {
      if (headerLen == n || headerLen == 5) {
        throw invalid("the length header is truncated or longer than 5 bytes");
      }
      int b = compressed.getByte(start + headerLen) & 0xFF;
      headerLen++;
      declared |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        break;
      }
    }
    if (declared > max) {
      if ((compressed.getByte(start) & 0xFF) == FRAMED_STREAM_ID
          && n >= 10
          && compressed.getByte(start + 4) == 's') {
        throw invalid("it is in the framed (stream) format; remote write uses the block format");
      }
      throw new DecodeException(
          DecodeException.PAYLOAD_TOO_LARGE,
          "decompressed body would be "
              + declared
              + " bytes, over the limit of "
              + max
              + " bytes ("
              + DecodeLimits.FLAG_MAX_DECOMPRESSED
              + ")");
    }
    int size = (int) declared;
    if (size == 0) {
      if (headerLen != n) {
        throw invalid("it declares 0 bytes but carries " + (n - headerLen) + " more");
      }
      return alloc.directBuffer(0, 0);
    }

    ByteBuf copy = null;
    ByteBuf out = null;
    try {
      ByteBuffer src;
      if (compressed.isDirect() && compressed.nioBufferCount() == 1) {
        src = compressed.nioBuffer(start, n);
      } else {
        // NOTE: snappy-java's ByteBuffer entry point needs one direct buffer; heap or composite
        // input (the HTTP aggregator's body is a composite of the received chunks) is copied
        // once. getBytes walks the components into the pooled copy; writeBytes(composite) would
        // first merge them into a fresh heap ByteBuffer (measured: most of the gateway's
        // allocation, about 100 MB/s at 1M samples/s).
        copy = alloc.directBuffer(n, n);
        compressed.getBytes(start, copy, 0, n);
        copy.writerIndex(n);
        src = copy.nioBuffer(0, n);
      }
      out = alloc.directBuffer(size, size);
      ByteBuffer dst = out.nioBuffer(0, size);
      int got = Snappy.uncompress(src, dst);
      if (got != size) {
        throw invalid("it decompressed to " + got + " bytes but declared " + size);
      }
      out.writerIndex(size);
      ByteBuf result = out;
      out = null;
      return result;
    } catch (IOException | RuntimeException | SnappyError e) {
      // snappy-java reports corrupt input as an IOException (SnappyException) or a SnappyError.
      throw invalid(oneLine(e.getMessage()));
    } finally {
      if (out != null) {
        out.release();
      }
      if (copy != null) {
        copy.release();
      }
    }
  }

  private static DecodeException invalid(String why) {
    return DecodeException.badRequest("body is not valid snappy-compressed data: " + why);
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "corrupt input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
