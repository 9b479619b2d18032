package io.rwgateway.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A chunk segment file that does not hold what docs/format/chunks.md describes (bad magic or
 * version, a record running past the end, a checksum mismatch): names the file and byte offset.
 */
public class ChunkFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  public ChunkFormatException(Path file, long offset, String message) {
    super(file + ": offset " + offset + ": " + message);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
