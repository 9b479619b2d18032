package io.rwgateway.tsdb.block;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads chunks out of a block's {@code chunks/} segment files (layout: docs/format/chunks.md), as
 * {@link ChunkWriter} and Prometheus write them. Every segment is memory-mapped read-only and its
 * header (magic, version) checked on {@link #open}; each record's length and CRC32C are checked
 * when it is read. Thread-safe after open: only absolute reads touch the shared mappings.
 *
 * <p>Errors: a damaged file gives a {@link ChunkFormatException} (file and offset); a reference
 * that points at no segment or outside a segment's records is the caller's mistake and gives an
 * {@link IllegalArgumentException} naming the reference, the file and the offset. A chunk in
 * another encoding than XOR gives an {@link UnsupportedChunkEncodingException} from {@link
 * #xorChunk}; {@link #encoding} lets callers see and skip such chunks first.
 */
public final class ChunkReader implements Closeable {
  /**
   * Encoding bytes Prometheus defines besides XOR ({@code chunkenc.EncHistogram}, {@code
   * EncFloatHistogram}).
   */
  public static final int ENCODING_HISTOGRAM = 2;

  public static final int ENCODING_FLOAT_HISTOGRAM = 3;

  /** A record's {@code len} is a uvarint of a 32-bit length: 5 bytes at most. */
  private static final int MAX_LEN_BYTES = 5;

  private final Path dir;
  private final Path[] files;
  private final ByteBuffer[] segments;

  private ChunkReader(Path dir, Path[] files, ByteBuffer[] segments) {
    this.dir = dir;
    this.files = files;
    this.segments = segments;
  }

  /**
   * Maps every segment file of {@code chunksDir}: the files whose whole name is a decimal number,
   * in numeric order; the n-th of them (from 0) is segment n of a chunk reference. Other files are
   * ignored, as Prometheus ignores them.
   */
  public static ChunkReader open(Path chunksDir) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(chunksDir)) {
      for (Path p : ds) {
        if (isSegmentName(p.getFileName().toString()) && Files.isRegularFile(p)) {
          found.add(p);
        }
      }
    }
    // NOTE: numeric, not textual, order: equal for our zero-padded names, and right for any
    // wider numbers another writer might use.
    found.sort(Comparator.comparing(p -> new BigInteger(p.getFileName().toString())));
    Path[] files = found.toArray(new Path[0]);
    ByteBuffer[] maps = new ByteBuffer[files.length];
    for (int i = 0; i < files.length; i++) {
      maps[i] = mapSegment(files[i]);
    }
    return new ChunkReader(chunksDir, files, maps);
  }

  private static boolean isSegmentName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer mapSegment(Path file) throws IOException {
    ByteBuffer b;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new ChunkFormatException(
            file, 0, "segment of " + size + " bytes: over 2 GiB is not supported");
      }
      if (size < ChunkWriter.HEADER_BYTES) {
        throw new ChunkFormatException(
            file, 0, "file of " + size + " bytes is too short for a segment header");
      }
      b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    if (b.getInt(0) != ChunkWriter.MAGIC) {
      throw new ChunkFormatException(
          file,
          0,
          String.format("bad magic 0x%08x, expected 0x%08x", b.getInt(0), ChunkWriter.MAGIC));
    }
    if (b.get(4) != ChunkWriter.FORMAT_V1) {
      throw new ChunkFormatException(
          file, 4, "unsupported segment version " + (b.get(4) & 0xFF) + " (only 1 is read)");
    }
    return b;
  }

  /** The directory this reader was opened on. */
  public Path dir() {
    return dir;
  }

  /** The segment files, in reference order (segment 0 first). */
  public List<Path> segmentFiles() {
    return List.of(files);
  }

  /** The encoding byte of the chunk at {@code ref} (1 = XOR), without checking its checksum. */
  public int encoding(long ref) throws IOException {
    return locate(ref).encoding();
  }

  /**
   * The data of the XOR chunk at {@code ref}, exactly as {@code XorIterator} reads it (2-byte
   * sample count, then the bit stream), after checking its CRC32C. A fresh array per call.
   *
   * @throws ChunkFormatException when the record is truncated or its checksum does not match
   * @throws UnsupportedChunkEncodingException when the chunk is intact but not XOR
   * @throws IllegalArgumentException when {@code ref} points at no record of this block
   */
  public byte[] xorChunk(long ref) throws IOException {
    Record r = checked(ref);
    if (r.encoding() != ChunkWriter.ENCODING_XOR) {
      throw new UnsupportedChunkEncodingException(files[r.segment], r.offset, r.encoding());
    }
    byte[] data = new byte[r.length];
    segments[r.segment].get(r.encodingAt + 1, data, 0, r.length);
    return data;
  }

  /**
   * The data of the chunk at {@code ref}, whatever its encoding, after checking its CRC32C: a
   * read-only view of the mapped file, no copy (valid while this block is held by a reader).
   *
   * @throws ChunkFormatException when the record is truncated or its checksum does not match
   * @throws IllegalArgumentException when {@code ref} points at no record of this block
   */
  public ByteBuffer chunkData(long ref) throws IOException {
    Record r = checked(ref);
    return segments[r.segment].slice(r.encodingAt + 1, r.length).asReadOnlyBuffer();
  }

  private Record checked(long ref) throws ChunkFormatException {
    Record r = locate(ref);
    ByteBuffer b = segments[r.segment];
    CRC32C crc = new CRC32C();
    crc.update(b.slice(r.encodingAt, 1 + r.length));
    int stored = b.getInt(r.encodingAt + 1 + r.length);
    if ((int) crc.getValue() != stored) {
      throw new ChunkFormatException(
          files[r.segment],
          r.offset,
          String.format(
              "chunk CRC32C mismatch: stored 0x%08x, computed 0x%08x",
              stored, (int) crc.getValue()));
    }
    return r;
  }

  /** Where a record's parts are; {@code encodingAt} is the offset of its encoding byte. */
  private record Record(int segment, int offset, int encodingAt, int length, int encoding) {}

  private Record locate(long ref) throws ChunkFormatException {
    long seg = ref >>> 32;
    long off = ref & 0xFFFF_FFFFL;
    if (seg >= segments.length) {
      throw new IllegalArgumentException(
          String.format(
              "chunk reference 0x%016x: segment index %d (file %06d), but %s holds %d segment file(s); offset %d",
              ref, seg, seg + 1, dir, segments.length, off));
    }
    int s = (int) seg;
    ByteBuffer b = segments[s];
    int size = b.limit();
    if (off < ChunkWriter.HEADER_BYTES || off >= size) {
      throw new IllegalArgumentException(
          String.format(
              "chunk reference 0x%016x: offset %d is outside the records of %s (%d bytes, records from offset %d)",
              ref, off, files[s], size, ChunkWriter.HEADER_BYTES));
    }
    int at = (int) off;
    long len = 0;
    int p = at;
    for (int shift = 0; ; shift += 7) {
      if (p >= size) {
        throw new ChunkFormatException(files[s], at, "chunk length runs past the end of the file");
      }
      if (p - at == MAX_LEN_BYTES) {
        throw new ChunkFormatException(
            files[s], at, "chunk length varint longer than " + MAX_LEN_BYTES + " bytes");
      }
      byte x = b.get(p++);
      len |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        break;
      }
    }
    // encoding byte + data + CRC must fit in what is left of the file.
    if (len > size - p - 1L - 4L) {
      throw new ChunkFormatException(
          files[s],
          at,
          "chunk of " + len + " data bytes runs past the end of the file (" + size + " bytes)");
    }
    return new Record(s, at, p, (int) len, b.get(p) & 0xFF);
  }

  /** A readable name for an encoding byte, for messages. */
  static String encodingName(int encoding) {
    switch (encoding) {
      case ChunkWriter.ENCODING_XOR:
        return "XOR";
      case ENCODING_HISTOGRAM:
        return "native histogram";
      case ENCODING_FLOAT_HISTOGRAM:
        return "float native histogram";
      default:
        return "unknown";
    }
  }

  /**
   * Nothing to release eagerly: the channels are closed after mapping and the mappings are freed
   * when this reader is garbage collected. NOTE: as for {@link IndexReader#close}, Java 17 has no
   * supported way to unmap, so a deleted block keeps its disk space until then.
   */
  @Override
  public void close() {}
}
