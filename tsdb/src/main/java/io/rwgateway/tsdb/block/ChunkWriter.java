package io.rwgateway.tsdb.block;

import io.rwgateway.model.Varint;
import io.rwgateway.tsdb.layout.BlockFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a block's chunk segment files {@code chunks/000001, 000002, ...} (layout:
 * docs/format/chunks.md) and hands back each chunk's reference for the index. Not thread-safe.
 *
 * <p>Every segment is fsynced when it is cut and on {@link #close}, which also fsyncs the {@code
 * chunks/} directory. If a call throws, the directory is incomplete: close and delete it.
 */
public final class ChunkWriter implements Closeable {
  public static final int MAGIC = 0x85BD40DD;
  public static final byte FORMAT_V1 = 1;

  /** Encoding byte of an XOR (float) chunk, Prometheus' {@code chunkenc.EncXOR}. */
  public static final byte ENCODING_XOR = 1;

  public static final int HEADER_BYTES = 8;

  /** Largest segment file, as Prometheus' {@code DefaultChunkSegmentSize}. */
  public static final long MAX_SEGMENT_BYTES = 512L * 1024 * 1024;

  private static final int BUFFER_BYTES = 1 << 20;

  private final Path dir;
  private final long segmentLimit;
  private final List<Path> segments = new ArrayList<>();
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
  private FileChannel current;

  /** Bytes of the current segment, header included (written or buffered). */
  private long size;

  private boolean closed;

  /** Creates {@code chunksDir} if needed; the first segment is created by the first chunk. */
  public ChunkWriter(Path chunksDir) throws IOException {
    this(chunksDir, MAX_SEGMENT_BYTES);
  }

  /** With a smaller segment limit, so tests can see segments cut without writing 512 MiB. */
  ChunkWriter(Path chunksDir, long segmentLimit) throws IOException {
    if (segmentLimit <= HEADER_BYTES || segmentLimit > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("segment limit out of range: " + segmentLimit);
    }
    this.dir = Files.createDirectories(chunksDir);
    this.segmentLimit = segmentLimit;
  }

  /** Segment file name for a 0-based segment index: 0 becomes {@code 000001}. */
  public static String segmentName(int index) {
    return String.format("%06d", index + 1);
  }

  /** Packs a chunk reference: segment index in the upper 32 bits, byte offset in the lower. */
  public static long ref(int segmentIndex, long offset) {
    return ((long) segmentIndex << 32) | offset;
  }

  /**
   * Writes one chunk with encoding {@link #ENCODING_XOR}. {@code data} must be exactly the chunk's
   * encoded bytes (header included, no slack). Returns the reference the index stores.
   */
  public long writeXor(byte[] data) throws IOException {
    return write(ENCODING_XOR, data);
  }

  /** Writes one chunk record and returns its reference. */
  public long write(byte encoding, byte[] data) throws IOException {
    if (closed) {
      throw new IllegalStateException("chunk writer is closed");
    }
    long record = Varint.size(data.length) + 1L + data.length + 4;
    // NOTE: an oversized chunk still goes into a segment of its own, never after an empty one.
    if (current == null || (size > HEADER_BYTES && size + record > segmentLimit)) {
      cut();
    }
    long offset = size;
    putUvarint(data.length);
    putByte(encoding);
    put(data);
    crc.reset();
    crc.update(encoding);
    crc.update(data, 0, data.length);
    int sum = (int) crc.getValue();
    putByte((byte) (sum >>> 24));
    putByte((byte) (sum >>> 16));
    putByte((byte) (sum >>> 8));
    putByte((byte) sum);
    return ref(segments.size() - 1, offset);
  }

  /** The segment files written so far, in order. */
  public List<Path> segments() {
    return Collections.unmodifiableList(segments);
  }

  private void cut() throws IOException {
    finishSegment();
    Path file = dir.resolve(segmentName(segments.size()));
    current = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segments.add(file);
    size = 0;
    putByte((byte) (MAGIC >>> 24));
    putByte((byte) (MAGIC >>> 16));
    putByte((byte) (MAGIC >>> 8));
    putByte((byte) MAGIC);
    putByte(FORMAT_V1);
    putByte((byte) 0);
    putByte((byte) 0);
    putByte((byte) 0);
  }

  private void finishSegment() throws IOException {
    if (current == null) {
      return;
    }
    try (FileChannel ch = current) {
      current = null;
      flush(ch);
      ch.force(true);
    }
  }

  private void putByte(byte b) throws IOException {
    if (!buf.hasRemaining()) {
      flush(current);
    }
    buf.put(b);
    size++;
  }

  private void put(byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      if (!buf.hasRemaining()) {
        flush(current);
      }
      int n = Math.min(buf.remaining(), b.length - off);
      buf.put(b, off, n);
      off += n;
    }
    size += b.length;
  }

  private void putUvarint(long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      putByte((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    putByte((byte) v);
  }

  private void flush(FileChannel ch) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  /** Flushes and fsyncs the last segment, then fsyncs {@code chunks/}. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finishSegment();
    } finally {
      buf.clear();
    }
    BlockFiles.syncDir(dir);
  }
}
