package io.rwgateway.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one checkpoint file. A {@link CheckpointSource} hands it record payloads with {@link
 * #add}; each is framed and checksummed exactly like a WAL record.
 *
 * <p>The file is written under a temporary name, forced to disk, renamed to its final name, and the
 * directory is forced: a file with the final name is therefore always complete, and replay never
 * has to guess whether a checkpoint was finished. Why each step: docs/format/wal.md ("Checkpoint").
 */
public final class CheckpointWriter {
  private static final int BUFFER_BYTES = 1 << 20;

  private final FileChannel out;
  // NOTE: direct, so that FileChannel.write does not copy through a temporary direct buffer.
  private final ByteBuffer buf =
      ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private final byte[] header = new byte[RecordFraming.HEADER_BYTES];
  private final CRC32C crc = new CRC32C();
  private long records;
  private long bytes;
  private boolean open = true;

  private CheckpointWriter(FileChannel out) {
    this.out = out;
  }

  /**
   * Appends one record whose payload is {@code payload}'s remaining bytes (at most {@link
   * Wal#MAX_PAYLOAD_BYTES}); on return the payload has been consumed.
   */
  public void add(ByteBuffer payload) throws IOException {
    if (!open) {
      throw new IOException("checkpoint writer used after its checkpoint was finished");
    }
    int n = payload.remaining();
    if (n > Wal.MAX_PAYLOAD_BYTES) {
      throw new IOException(
          "checkpoint record payload of "
              + n
              + " bytes exceeds "
              + Wal.MAX_PAYLOAD_BYTES
              + " bytes");
    }
    RecordFraming.writeHeader(header, n);
    int checksum = RecordFraming.checksum(header, payload, crc);
    room(RecordFraming.HEADER_BYTES);
    buf.put(header);
    if (n <= buf.remaining()) {
      buf.put(payload);
    } else {
      // A payload bigger than what is left of the buffer goes straight to the file.
      flush();
      while (payload.hasRemaining()) {
        out.write(payload);
      }
    }
    room(RecordFraming.TRAILER_BYTES);
    buf.putInt(checksum);
    records++;
    bytes += n;
  }

  /** Records added so far. */
  public long records() {
    return records;
  }

  /**
   * Writes {@code checkpoint.<firstKeptCycle>} in {@code dir} from {@code source}. On failure the
   * temporary file is removed and nothing with the final name has changed.
   */
  static CheckpointResult write(Path dir, int firstKeptCycle, CheckpointSource source)
      throws IOException {
    long start = System.nanoTime();
    String name = CheckpointFiles.name(firstKeptCycle);
    Path tmp = dir.resolve(name + CheckpointFiles.TMP_SUFFIX);
    Path file = dir.resolve(name);
    CheckpointWriter w;
    boolean done = false;
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        w = new CheckpointWriter(ch);
        w.writeFileHeader(firstKeptCycle);
        try {
          source.writeTo(w);
        } finally {
          w.open = false;
        }
        w.flush();
        // The records must be on disk before the name says the checkpoint is complete.
        ch.force(true);
      }
      // NOTE: rename(2) is atomic and replaces a checkpoint of the same name in one step.
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      // The rename must be durable before any cycle file it replaces is deleted.
      WalDirs.force(dir);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    return new CheckpointResult(
        firstKeptCycle, file, w.records, w.bytes, System.nanoTime() - start);
  }

  private void writeFileHeader(int firstKeptCycle) throws IOException {
    byte[] h = new byte[CheckpointFiles.HEADER_BYTES];
    System.arraycopy(CheckpointFiles.MAGIC, 0, h, 0, CheckpointFiles.MAGIC.length);
    h[4] = CheckpointFiles.FORMAT_VERSION;
    ByteSink.putIntLE(h, 8, firstKeptCycle);
    crc.reset();
    crc.update(h, 0, 12);
    ByteSink.putIntLE(h, 12, (int) crc.getValue());
    room(h.length);
    buf.put(h);
  }

  private void room(int n) throws IOException {
    if (buf.remaining() < n) {
      flush();
    }
  }

  private void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      out.write(buf);
    }
    buf.clear();
  }
}
