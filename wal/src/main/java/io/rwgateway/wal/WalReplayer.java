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
 * Reads a WAL from its first record on, checks each record's framing and CRC, hands intact
 * payloads to a {@link RecordHandler} and skips (logs, counts) damaged ones.
 * <p>
 * NOTE: each excerpt is copied once into a reused heap array: the CRC and the decoder then run
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

  ReplayResult replay(RecordHandler handler) throws IOException {
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_EVERY_NANOS;
    long records = 0;
    long bytes = 0;
    long corrupt = 0;
    LOG.info("WAL replay of {} started", dir);
    RollCycle rollCycle = queue.rollCycle();
    try (ExcerptTailer tailer = queue.createTailer()) {
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> in = dc.wire().bytes();
          long n = in.readRemaining();
          String problem;
          int len = 0;
          if (n > Wal.MAX_PAYLOAD_BYTES + RecordFraming.OVERHEAD) {
            problem = "excerpt of " + n + " bytes is larger than any record";
          } else {
            len = (int) n;
            ensureScratch(len);
            in.read(scratch, 0, len);
            problem = RecordFraming.check(scratch, len, crc);
          }
          if (problem != null) {
            corrupt++;
            long index = dc.index();
            LOG.warn("WAL record skipped as corrupt: file={} index=0x{} (cycle {}, seq {}): {}",
                fileName(tailer.currentFile()), Long.toHexString(index), rollCycle.toCycle(index),
                rollCycle.toSequenceNumber(index), problem);
            continue;
          }
          view.limit(len - RecordFraming.TRAILER_BYTES).position(RecordFraming.HEADER_BYTES);
          try {
            handler.onRecord(view);
          } catch (IOException | RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IOException("WAL replay handler failed at index 0x" + Long.toHexString(dc.index()) + " in " + dir, e);
          }
          records++;
          bytes += len - RecordFraming.OVERHEAD;
        }
        if ((records & 1023) == 0) {
          long now = System.nanoTime();
          if (now - nextProgress >= 0) {
            nextProgress = now + PROGRESS_EVERY_NANOS;
            LOG.info("WAL replay of {}: {} records, {} payload bytes, {} corrupt so far, {} s",
                dir, records, bytes, corrupt, TimeUnit.NANOSECONDS.toSeconds(now - start));
          }
        }
      }
    }
    long took = System.nanoTime() - start;
    LOG.info("WAL replay of {} done: {} records, {} payload bytes, {} corrupt records skipped, {} ms",
        dir, records, bytes, corrupt, TimeUnit.NANOSECONDS.toMillis(took));
    return new ReplayResult(records, bytes, corrupt, took);
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
