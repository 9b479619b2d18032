package io.rwgateway.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's write-ahead log: a Chronicle Queue directory of checksummed records.
 * {@link #append} is called by a single writer thread only; {@link #sync} from any thread.
 * Layout, roll cycle and sync modes: docs/format/wal.md.
 * <p>
 * The Chronicle appender is created by the first {@link #append} and belongs to that thread
 * (Chronicle appenders are per thread), so every append must come from that one thread.
 */
public final class Wal implements Closeable {
  /** Chronicle's mapped chunk size; one excerpt must fit in a quarter of it. */
  static final long BLOCK_SIZE = 64L << 20;
  /** The largest payload {@link #append} takes; a writer splits bigger batches. */
  public static final int MAX_PAYLOAD_BYTES = (int) (BLOCK_SIZE / 4) - 16;

  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private final Path dir;
  private final WalOptions options;
  private final SingleChronicleQueue queue;
  private final WalSyncer syncer;
  private final ScheduledExecutorService syncScheduler;
  private final byte[] header = new byte[RecordFraming.HEADER_BYTES];
  private final CRC32C crc = new CRC32C();
  private ExcerptAppender appender; // writer thread only
  private volatile boolean closed;

  private Wal(Path dir, WalOptions options, SingleChronicleQueue queue) {
    this.dir = dir;
    this.options = options;
    this.queue = queue;
    this.syncer = new WalSyncer(dir);
    if (options.syncMode() == WalSyncMode.INTERVAL) {
      long every = Math.max(1, options.syncInterval().toNanos());
      syncScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wal-sync-" + dir.getFileName());
        t.setDaemon(true);
        return t;
      });
      syncScheduler.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.NANOSECONDS);
    } else {
      syncScheduler = null;
    }
  }

  public static Wal open(Path dir, WalOptions options) throws IOException {
    Files.createDirectories(dir);
    SingleChronicleQueue queue;
    try {
      queue = SingleChronicleQueueBuilder.binary(dir)
          .rollCycle(RollCycles.FAST_HOURLY)
          .blockSize(BLOCK_SIZE)
          // NOTE: durability is sync()'s job; without this Chronicle would msync whole chunks when
          // it unmaps them, on whatever thread drops the last reference (often the writer).
          .syncMode(SyncMode.NONE)
          .build();
    } catch (RuntimeException e) {
      throw new IOException("cannot open WAL in " + dir, e);
    }
    try {
      TornTailRepair.repair(queue, dir);
    } catch (RuntimeException e) {
      queue.close();
      throw new IOException("cannot check the tail of the WAL in " + dir, e);
    }
    LOG.debug("WAL opened in {} ({} sync)", dir, options.syncMode());
    return new Wal(dir, options, queue);
  }

  /**
   * Appends one record whose payload is {@code payload}'s remaining bytes (checksum added here).
   * On return the payload has been consumed (its position is at its limit).
   */
  public void append(ByteBuffer payload) throws IOException {
    if (closed) {
      throw new IOException("WAL is closed: " + dir);
    }
    int n = payload.remaining();
    if (n > MAX_PAYLOAD_BYTES) {
      throw new IOException("WAL record payload of " + n + " bytes exceeds " + MAX_PAYLOAD_BYTES + " bytes");
    }
    RecordFraming.writeHeader(header, n);
    crc.reset();
    crc.update(header, 0, RecordFraming.HEADER_BYTES);
    int start = payload.position();
    crc.update(payload); // NOTE: an intrinsic over heap and direct buffers alike
    payload.position(start);
    int checksum = (int) crc.getValue();

    ExcerptAppender a = appender;
    try {
      if (a == null) {
        a = appender = queue.createAppender();
      }
      DocumentContext dc = a.writingDocument();
      try {
        Bytes<?> out = dc.wire().bytes();
        out.write(header, 0, RecordFraming.HEADER_BYTES);
        while (payload.hasRemaining()) {
          int before = payload.remaining();
          out.writeSome(payload);
          if (payload.remaining() == before) {
            throw new IOException("WAL excerpt has no room for " + before + " more bytes");
          }
        }
        out.writeInt(checksum);
      } catch (IOException | RuntimeException | Error e) {
        dc.rollbackOnClose();
        throw e;
      } finally {
        dc.close();
      }
    } catch (RuntimeException e) {
      throw new IOException("WAL append failed in " + dir, e);
    }
    syncer.noteAppend(a);
  }

  /** Forces what was appended so far to stable storage. Thread-safe. */
  public void sync() throws IOException {
    syncer.sync();
  }

  /** Reads every intact record, oldest first; corrupt ones are logged with file and index and skipped. */
  public ReplayResult replay(RecordHandler handler) throws IOException {
    if (closed) {
      throw new IOException("WAL is closed: " + dir);
    }
    return new WalReplayer(queue, dir).replay(handler);
  }

  public Path dir() {
    return dir;
  }

  /** True while records appended since the last sync are not yet known to be on stable storage. */
  public boolean syncPending() {
    return syncer.dirty();
  }

  public WalOptions options() {
    return options;
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    IOException failure = null;
    if (syncScheduler != null) {
      syncScheduler.shutdownNow();
      try {
        syncScheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      // NOTE: a final sync makes a clean shutdown durable in INTERVAL mode too.
      syncer.sync();
    } catch (IOException e) {
      failure = e;
    }
    syncer.close();
    try {
      queue.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = new IOException("closing WAL in " + dir + " failed", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void syncQuietly() {
    try {
      if (syncer.dirty()) {
        syncer.sync();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("WAL interval sync of {} failed: {}", dir, e.toString());
      }
    }
  }
}
