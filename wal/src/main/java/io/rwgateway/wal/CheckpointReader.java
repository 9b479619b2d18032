package io.rwgateway.wal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a checkpoint file: checks its header and every record's framing and CRC, hands intact
 * payloads to the replay handler as {@link CycleRecordHandler#CHECKPOINT} records and skips (logs,
 * counts) damaged ones.
 *
 * <p>NOTE: unlike a cycle file, where Chronicle's own excerpt headers say where the next record
 * starts, a checkpoint is our bytes only. A damaged payload is stepped over by its length; when the
 * length itself is damaged, the reader looks for the next position where an intact record (framing
 * and CRC32C) starts, so one bad sector does not cost the rest of the file.
 */
final class CheckpointReader {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  private static final int WINDOW_BYTES = 1 << 20;

  private final Path file;
  private final CRC32C crc = new CRC32C();
  private FileChannel ch;
  private long size;
  private byte[] win = new byte[WINDOW_BYTES];
  private long winStart;
  private int winLen;
  private String problem;

  /** Where the damaged record at the last failed position would end by its own length, or -1. */
  private long claimedEnd;

  long records;
  long bytes;
  long corrupt;

  CheckpointReader(Path file) {
    this.file = file;
  }

  /** Replays every intact record of the checkpoint into {@code handler}. */
  void read(int firstKeptCycle, CycleRecordHandler handler) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      ch = c;
      size = c.size();
      checkFileHeader(firstKeptCycle);
      long pos = Math.min(size, CheckpointFiles.HEADER_BYTES);
      while (pos < size) {
        int n = recordAt(pos);
        if (n > 0) {
          int off = (int) (pos - winStart);
          WalReplayer.deliver(
              handler,
              ByteBuffer.wrap(win, off + RecordFraming.HEADER_BYTES, n - RecordFraming.OVERHEAD),
              CycleRecordHandler.CHECKPOINT,
              file,
              pos);
          records++;
          bytes += n - RecordFraming.OVERHEAD;
          pos += n;
          continue;
        }
        corrupt++;
        long next = nextIntact(pos);
        LOG.warn(
            "WAL checkpoint record skipped as corrupt: file={} offset={}: {}; {}",
            file.getFileName(),
            pos,
            problem,
            next >= size ? "nothing readable follows" : (next - pos) + " bytes skipped");
        pos = next;
      }
    } finally {
      ch = null;
    }
  }

  private void checkFileHeader(int firstKeptCycle) throws IOException {
    String bad;
    if (size < CheckpointFiles.HEADER_BYTES) {
      bad = "file of " + size + " bytes is shorter than its header";
    } else {
      int off = window(0, CheckpointFiles.HEADER_BYTES);
      crc.reset();
      crc.update(win, off, 12);
      if (!Arrays.equals(win, off, off + 4, CheckpointFiles.MAGIC, 0, 4)) {
        bad = "not a checkpoint file (bad magic)";
      } else if (ByteSink.getIntLE(win, off + 12) != (int) crc.getValue()) {
        bad = "header CRC32C mismatch";
      } else if (win[off + 4] != CheckpointFiles.FORMAT_VERSION) {
        bad = "unknown checkpoint format version " + (win[off + 4] & 0xFF);
      } else if (ByteSink.getIntLE(win, off + 8) != firstKeptCycle) {
        bad =
            "header names first kept cycle "
                + ByteSink.getIntLE(win, off + 8)
                + ", file name "
                + firstKeptCycle;
      } else {
        return;
      }
    }
    // NOTE: the file name (written by the same rename that completed the file) stays the authority
    // on the first kept cycle, so a damaged header costs nothing but this count.
    corrupt++;
    LOG.warn(
        "WAL checkpoint header is corrupt: file={}: {}; reading its records anyway",
        file.getFileName(),
        bad);
  }

  /**
   * The length of the intact record at {@code pos}, or -1 with {@link #problem} saying what is
   * wrong and {@link #claimedEnd} where the record would end by its own (plausible) length.
   */
  private int recordAt(long pos) throws IOException {
    claimedEnd = -1;
    long left = size - pos;
    if (left < RecordFraming.OVERHEAD) {
      problem = "truncated record: " + left + " bytes left at the end of the file";
      return -1;
    }
    int off = window(pos, RecordFraming.HEADER_BYTES);
    long len = ByteSink.getIntLE(win, off + 2) & 0xFFFF_FFFFL;
    if (len > Wal.MAX_READ_PAYLOAD_BYTES || len > left - RecordFraming.OVERHEAD) {
      problem = "payload length " + len + " runs past the end of the file or the record size limit";
      return -1;
    }
    int total = (int) len + RecordFraming.OVERHEAD;
    claimedEnd = pos + total;
    off = window(pos, total);
    problem = RecordFraming.check(win, off, total, crc);
    return problem == null ? total : -1;
  }

  /**
   * Where reading goes on after a damaged record at {@code pos}: where it ends by its own length
   * when an intact record (or the end of the file) follows there, otherwise the next position
   * holding an intact record, otherwise the end of the file.
   */
  private long nextIntact(long pos) throws IOException {
    String first = problem;
    try {
      long end = claimedEnd;
      if (end == size || (end > pos && recordAt(end) > 0)) {
        return end;
      }
      for (long p = pos + 1; p <= size - RecordFraming.OVERHEAD; p++) {
        int off = window(p, 2);
        // NOTE: cheap filter first (version 1, flags 0), CRC only for the few candidates left.
        if (win[off] == RecordFraming.VERSION && win[off + 1] == 0 && recordAt(p) > 0) {
          return p;
        }
      }
      return size;
    } finally {
      problem = first;
    }
  }

  /**
   * Makes {@code [pos, pos + n)} (inside the file) readable in {@link #win}; returns its offset
   * there.
   */
  private int window(long pos, int n) throws IOException {
    if (pos >= winStart && pos + n <= winStart + winLen) {
      return (int) (pos - winStart);
    }
    if (n > win.length) {
      win = new byte[Math.max(n, win.length << 1)];
    }
    int want = (int) Math.min(win.length, size - pos);
    ByteBuffer bb = ByteBuffer.wrap(win, 0, want);
    long p = pos;
    while (bb.hasRemaining()) {
      int r = ch.read(bb, p);
      if (r < 0) {
        throw new EOFException("checkpoint " + file + " shrank while being read");
      }
      p += r;
    }
    winStart = pos;
    winLen = want;
    return 0;
  }
}
