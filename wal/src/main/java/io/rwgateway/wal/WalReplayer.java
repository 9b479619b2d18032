package io.rwgateway.wal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a WAL in replay order: the newest checkpoint (if any), then every record of the cycles it
 * did not replace, from the oldest on. Checks each record's framing and CRC, hands intact payloads
 * to a {@link CycleRecordHandler} with their origin and skips (logs, counts) damaged ones.
 *
 * <p>NOTE: each excerpt is copied once into a reused heap array: the CRC and the decoder then run
 * over plain {@code byte[]}, and the handler's payload stays valid for the whole call even if
 * Chronicle moves on to another mapped chunk.
 */
final class WalReplayer {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ChronicleQueue queue;
  private final Path dir;
  private final CRC32C crc = new CRC32C();
  private byte[] scratch = new byte[64 << 10];
  private ByteBuffer view = ByteBuffer.wrap(scratch);

  WalReplayer(ChronicleQueue queue, Path dir) {
    this.queue = queue;
    this.dir = dir;
  }

  /**
   * Replays {@code checkpoint} (may be null), then the records of cycles at or above its first kept
   * cycle.
   */
  ReplayResult replay(CheckpointFiles.Checkpoint checkpoint, CycleRecordHandler handler)
      throws IOException {
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_EVERY_NANOS;
    long records = 0;
    long bytes = 0;
    long corrupt = 0;
    long fromCheckpoint = 0;
    long belowCheckpoint = 0;
    int floor = Integer.MIN_VALUE;
    LOG.info(
        "WAL replay of {} started{}",
        dir,
        checkpoint == null ? "" : " from " + checkpoint.file().getFileName());
    if (checkpoint != null) {
      CheckpointReader reader = new CheckpointReader(checkpoint.file());
      reader.read(checkpoint.firstKeptCycle(), handler);
      records = fromCheckpoint = reader.records;
      bytes = reader.bytes;
      corrupt = reader.corrupt;
      floor = checkpoint.firstKeptCycle();
    }
    RollCycle rollCycle = queue.rollCycle();
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          long index = dc.index();
          int cycle = rollCycle.toCycle(index);
          if (cycle < floor) {
            // NOTE: the checkpoint replaces this cycle; Wal.open deletes such files, so this
            // only happens when that deletion failed. Its records must not be applied twice.
            belowCheckpoint++;
            continue;
          }
          Bytes<?> in = dc.wire().bytes();
          long n = in.readRemaining();
          String problem;
          int len = 0;
          if (n > Wal.MAX_READ_PAYLOAD_BYTES + RecordFraming.OVERHEAD) {
            problem = "excerpt of " + n + " bytes is larger than any record";
          } else {
            len = (int) n;
            ensureScratch(len);
            in.read(scratch, 0, len);
            problem = RecordFraming.check(scratch, len, crc);
          }
          if (problem != null) {
            corrupt++;
            LOG.warn(
                "WAL record skipped as corrupt: file={} index=0x{} (cycle {}, seq {}): {}",
                fileName(tailer.currentFile()),
                Long.toHexString(index),
                cycle,
                rollCycle.toSequenceNumber(index),
                problem);
            continue;
          }
          view.limit(len - RecordFraming.TRAILER_BYTES).position(RecordFraming.HEADER_BYTES);
          deliver(handler, view, cycle, dir, index);
          records++;
          bytes += len - RecordFraming.OVERHEAD;
        }
        if ((records & 1023) == 0) {
          long now = System.nanoTime();
          if (now - nextProgress >= 0) {
            nextProgress = now + PROGRESS_EVERY_NANOS;
            LOG.info(
                "WAL replay of {}: {} records, {} payload bytes, {} corrupt so far, {} s",
                dir,
                records,
                bytes,
                corrupt,
                TimeUnit.NANOSECONDS.toSeconds(now - start));
          }
        }
      }
    }
    long took = System.nanoTime() - start;
    LOG.info(
        "WAL replay of {} done: {} records ({} from the checkpoint), {} payload bytes, {} corrupt records skipped, "
            + "{} records of cycles below the checkpoint ignored, {} ms",
        dir,
        records,
        fromCheckpoint,
        bytes,
        corrupt,
        belowCheckpoint,
        TimeUnit.NANOSECONDS.toMillis(took));
    return new ReplayResult(records, bytes, corrupt, took, fromCheckpoint);
  }

  /**
   * Calls the handler; its unchecked exceptions and IOExceptions pass through unchanged, other
   * checked ones are wrapped with where the record was ({@code where} and {@code at}: file or
   * directory, and offset or Chronicle index).
   */
  static void deliver(
      CycleRecordHandler handler, ByteBuffer payload, int cycle, Path where, long at)
      throws IOException {
    try {
      handler.onRecord(payload, cycle);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(
          "WAL replay handler failed at 0x" + Long.toHexString(at) + " in " + where, e);
    }
  }

  private void ensureScratch(int len) {
    if (len > scratch.length) {
      scratch = new byte[Math.max(len, scratch.length << 1)];
      view = ByteBuffer.wrap(scratch);
    }
  }

  private static String fileName(File f) {
    return f == null ? "?" : f.getName();
  }
}
