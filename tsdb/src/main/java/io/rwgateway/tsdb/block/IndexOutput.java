package io.rwgateway.tsdb.block;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Append-only, buffered writer for the index file that knows its file position, can checksum the
 * bytes of a section as they go by, and can back-patch a length written earlier.
 *
 * <p>NOTE: the CRC is fed from the buffer when it is flushed (or when asked for), so each byte is
 * copied once and checksummed once, and no section has to be held in memory whole.
 */
final class IndexOutput implements Closeable {
  private static final int BUFFER_SIZE = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int n; // bytes used in buf
  private long flushed; // file position of buf[0]
  private final CRC32C crc = new CRC32C();
  private int crcFrom = -1; // index in buf from which bytes still go into crc; -1 = not summing

  IndexOutput(Path file) throws IOException {
    this.file = file;
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
  }

  Path file() {
    return file;
  }

  long position() {
    return flushed + n;
  }

  /** Starts a checksum over every byte written from now on. */
  void startCrc() {
    crc.reset();
    crcFrom = n;
  }

  /** Ends the running checksum and returns it. */
  int endCrc() {
    if (crcFrom < 0) {
      throw new IllegalStateException("no checksum running");
    }
    crc.update(buf, crcFrom, n - crcFrom);
    crcFrom = -1;
    return (int) crc.getValue();
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (n == buf.length) {
        flush();
      }
      int k = Math.min(len, buf.length - n);
      System.arraycopy(b, off, buf, n, k);
      n += k;
      off += k;
      len -= k;
    }
  }

  void writeByte(int v) throws IOException {
    if (n == buf.length) {
      flush();
    }
    buf[n++] = (byte) v;
  }

  void writeBE32(int v) throws IOException {
    writeByte(v >>> 24);
    writeByte(v >>> 16);
    writeByte(v >>> 8);
    writeByte(v);
  }

  void writeBE64(long v) throws IOException {
    writeBE32((int) (v >>> 32));
    writeBE32((int) v);
  }

  void writeUvarint(long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    writeByte((int) v);
  }

  /** Zero bytes up to the next multiple of {@code align}. */
  void pad(int align) throws IOException {
    long rem = position() % align;
    if (rem != 0) {
      for (long i = rem; i < align; i++) {
        writeByte(0);
      }
    }
  }

  /** Overwrites 4 bytes at an earlier file position (a length placeholder). */
  void patchBE32(long pos, int v) throws IOException {
    if (pos + 4 > position()) {
      throw new IllegalArgumentException("patch beyond written data at " + pos);
    }
    if (pos >= flushed) {
      int i = (int) (pos - flushed);
      buf[i] = (byte) (v >>> 24);
      buf[i + 1] = (byte) (v >>> 16);
      buf[i + 2] = (byte) (v >>> 8);
      buf[i + 3] = (byte) v;
      return;
    }
    if (pos + 4 > flushed) {
      // Straddles the flushed boundary: flush so the whole field is in the file.
      flush();
    }
    ByteBuffer b = ByteBuffer.allocate(4).putInt(v).flip();
    long p = pos;
    while (b.hasRemaining()) {
      p += channel.write(b, p);
    }
  }

  void flush() throws IOException {
    if (crcFrom >= 0) {
      crc.update(buf, crcFrom, n - crcFrom);
      crcFrom = 0;
    }
    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
    while (b.hasRemaining()) {
      channel.write(b, flushed + b.position());
    }
    flushed += n;
    n = 0;
  }

  /** Flushes, forces the file's data to disk and closes it. */
  void finish() throws IOException {
    flush();
    channel.force(true);
    channel.close();
  }

  /** Closes without syncing (after a failure); the half-written file is the caller's to delete. */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
