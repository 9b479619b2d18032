package io.rwgateway.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A chunk that is intact (its checksum holds) but not XOR, for example a native histogram chunk
 * (encoding 2 or 3), asked for as XOR. Not corruption, hence not a {@link ChunkFormatException}:
 * callers that can do without such chunks check {@link ChunkReader#encoding} first and skip them
 * rather than catch this.
 */
public final class UnsupportedChunkEncodingException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final int encoding;

  public UnsupportedChunkEncodingException(Path file, long offset, int encoding) {
    super(
        file
            + ": offset "
            + offset
            + ": chunk encoding "
            + encoding
            + " ("
            + ChunkReader.encodingName(encoding)
            + ") is not supported, only "
            + ChunkWriter.ENCODING_XOR
            + " (XOR)");
    this.file = file;
    this.offset = offset;
    this.encoding = encoding;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The record's encoding byte, 0..255. */
  public int encoding() {
    return encoding;
  }
}
