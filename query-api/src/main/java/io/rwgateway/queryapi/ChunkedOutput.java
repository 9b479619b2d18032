package io.rwgateway.queryapi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An OutputStream that sends what is written through an {@link HttpStream} in pieces of at most
 * {@link #PIECE} bytes, so that a large answer is never held whole. The caller started the stream;
 * {@link #close} sends the rest and ends it.
 */
final class ChunkedOutput extends OutputStream {
  static final int PIECE = 64 * 1024;

  private final HttpStream stream;
  private final ByteBufAllocator alloc;
  private ByteBuf buf;
  private boolean closed;

  ChunkedOutput(HttpStream stream, ByteBufAllocator alloc) {
    this.stream = stream;
    this.alloc = alloc;
  }

  @Override
  public void write(int b) throws IOException {
    ensure().writeByte(b);
    if (buf.readableBytes() >= PIECE) {
      send();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int p = off;
    int end = off + len;
    while (p < end) {
      ByteBuf out = ensure();
      int n = Math.min(end - p, PIECE - out.readableBytes());
      out.writeBytes(b, p, n);
      p += n;
      if (out.readableBytes() >= PIECE) {
        send();
      }
    }
  }

  private ByteBuf ensure() {
    if (buf == null) {
      buf = alloc.buffer(PIECE);
    }
    return buf;
  }

  private void send() throws IOException {
    ByteBuf out = buf;
    buf = null;
    stream.write(out); // takes ownership, also when it fails
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (buf != null && buf.readableBytes() > 0) {
      send();
    } else if (buf != null) {
      buf.release();
      buf = null;
    }
    stream.end();
  }

  /** Drops what was not sent (after a failure; the caller aborts the stream). */
  void discard() {
    closed = true;
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }
}
