package io.rwgateway.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;

/** An index file that is not a valid format v2 index: names the file and the byte offset. */
public final class IndexFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  public IndexFormatException(Path file, long offset, String message) {
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
