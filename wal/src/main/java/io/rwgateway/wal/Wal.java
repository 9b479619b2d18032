package io.rwgateway.wal;

import io.rwgateway.model.EscalatingTask;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * One tenant's write-ahead log: a Chronicle Queue directory of checksummed records, plus at most
 * one checkpoint file that replaces the cycle files deleted by truncation. {@link #append} is
 * called by a single writer thread only; {@link #sync} from any thread; {@link #writeCheckpoint}
 * and {@link #deleteCyclesBefore} from any thread while appends go on. Layout, roll cycle, sync
 * modes, checkpoint and truncation: docs/format/wal.md.
 *
 * <p>The Chronicle appender is created by the first {@link #append} and belongs to that thread
 * (Chronicle appenders are per thread), so every append must come from that one thread.
 */
public final class Wal implements Closeable {
  /**
   * Chronicle's mapped chunk size; one excerpt must fit in a quarter of it. NOTE: the pages of the
   * chunks Chronicle keeps mapped (about two) count in the process' RSS; 64 MiB chunks held ~150 MB
   * of RSS under load, 16 MiB ones ~30 MB, 4 MiB ones ~8 MB. The smaller chunks are remapped more
   * often: unsynced WalAppendBenchmark.append is ~11% slower (~7 us per 2000-sample record), a few
   * ns per sample against the ~1.4 us the gateway spends on one.
   */
  static final long BLOCK_SIZE = 4L << 20;

  /** The largest payload {@link #append} takes; a writer splits bigger batches. */
  public static final int MAX_PAYLOAD_BYTES = (int) (BLOCK_SIZE / 4) - 16;

  /**
   * The largest payload replay accepts: WALs and checkpoints written with 16 MiB chunks (before
   * 2026-11-25) hold records up to this size, and Chronicle reads them with smaller chunks too.
   */
  public static final int MAX_READ_PAYLOAD_BYTES = (int) ((16L << 20) / 4) - 16;

  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private final Path dir;
  private final WalOptions options;
  private final SingleChronicleQueue queue;
  private final WalSyncer syncer;
  private final ScheduledExecutorService syncScheduler;
  private final EscalatingTask syncTask;
  private final byte[] header = new byte[RecordFraming.HEADER_BYTES];
  private final CRC32C crc = new CRC32C();
  private final CycleFiles cycleFiles;
  private ExcerptAppender appender; // writer thread only
  private volatile boolean closed;

  /** Serialises replay, checkpoint writing, truncation and close: each sees a stable file set. */
  private final ReentrantLock maintenance = new ReentrantLock();

  /**
   * Held by the first append (which creates the Chronicle appender) and by truncation while it
   * deletes: Chronicle's appender set-up walks the existing cycle files (EOF markers), so it must
   * not race with their deletion. Later appends never take it: they only touch the cycle they
   * write.
   */
  private final Object firstAppendLock = new Object();

  /**
   * Cycle of the last successful append, -1 before the first; written by the writer thread only.
   */
  private volatile int lastAppendCycle = -1;

  /**
   * Appends must not land below this cycle (a checkpoint replaces the cycles below it). Raised
   * before a checkpoint is validated, so that a writer and the validation cannot both miss each
   * other (see {@link #append}). It stays raised if writing that checkpoint then fails, which only
   * makes the clock-stepped-back check stricter.
   */
  private volatile int appendFloor = Integer.MIN_VALUE;

  /**
   * The newest complete checkpoint, null when there is none; written under {@link #maintenance}.
   */
  private volatile CheckpointFiles.Checkpoint checkpoint;

  /**
   * The checkpoint this process wrote last, for the truncation log line; under {@link
   * #maintenance}.
   */
  private CheckpointResult lastWritten;

  private Wal(
      Path dir,
      WalOptions options,
      SingleChronicleQueue queue,
      CycleFiles cycleFiles,
      CheckpointFiles.Checkpoint checkpoint) {
    this.dir = dir;
    this.options = options;
    this.queue = queue;
    this.cycleFiles = cycleFiles;
    this.checkpoint = checkpoint;
    if (checkpoint != null) {
      appendFloor = checkpoint.firstKeptCycle();
    }
    this.syncer = new WalSyncer(dir);
    if (options.syncMode() == WalSyncMode.INTERVAL) {
      long every = Math.max(1, options.syncInterval().toNanos());
      syncScheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "wal-sync-" + dir.getFileName());
                t.setDaemon(true);
                return t;
              });
      syncTask = new EscalatingTask("wal-sync-" + dir.getFileName(), this::syncQuietly);
      syncScheduler.scheduleWithFixedDelay(syncTask, every, every, TimeUnit.NANOSECONDS);
    } else {
      syncScheduler = null;
      syncTask = null;
    }
  }

  public static Wal open(Path dir, WalOptions options) throws IOException {
    Files.createDirectories(dir);
    SingleChronicleQueue queue;
    try {
      queue =
          SingleChronicleQueueBuilder.binary(dir)
              .rollCycle(RollCycles.FAST_HOURLY)
              .blockSize(BLOCK_SIZE)
              // NOTE: durability is sync()'s job; without this Chronicle would msync whole chunks
              // when
              // it unmaps them, on whatever thread drops the last reference (often the writer).
              .syncMode(SyncMode.NONE)
              // NOTE: Chronicle picks each record's cycle (file) from this clock; tests move it.
              .timeProvider(options.clock()::millis)
              .build();
    } catch (RuntimeException e) {
      throw new IOException("cannot open WAL in " + dir, e);
    }
    CycleFiles cycleFiles = new CycleFiles(dir, queue.rollCycle(), queue.epoch());
    CheckpointFiles.Checkpoint checkpoint;
    try {
      checkpoint = OpenCleanup.run(dir, queue, cycleFiles);
      TornTailRepair.repair(queue, dir);
    } catch (IOException | RuntimeException e) {
      queue.close();
      throw new IOException("cannot check the files of the WAL in " + dir, e);
    }
    LOG.debug("WAL opened in {} ({} sync)", dir, options.syncMode());
    return new Wal(dir, options, queue, cycleFiles, checkpoint);
  }

  /**
   * Appends one record whose payload is {@code payload}'s remaining bytes (checksum added here). On
   * return the payload has been consumed (its position is at its limit).
   */
  public void append(ByteBuffer payload) throws IOException {
    if (closed) {
      throw new IOException("WAL is closed: " + dir);
    }
    int n = payload.remaining();
    if (n > MAX_PAYLOAD_BYTES) {
      throw new IOException(
          "WAL record payload of " + n + " bytes exceeds " + MAX_PAYLOAD_BYTES + " bytes");
    }
    RecordFraming.writeHeader(header, n);
    int checksum = RecordFraming.checksum(header, payload, crc);

    ExcerptAppender a = appender;
    int cycle;
    try {
      if (a == null) {
        synchronized (firstAppendLock) {
          a = appender = queue.createAppender();
          cycle = writeExcerpt(a, payload, checksum);
        }
      } else {
        cycle = writeExcerpt(a, payload, checksum);
      }
    } catch (RuntimeException e) {
      throw new IOException("WAL append failed in " + dir, e);
    }
    syncer.noteAppend(a);
    // NOTE: Chronicle goes back to an older cycle only when the wall clock steps back over an
    // hour boundary. A record below the newest checkpoint's first kept cycle would be invisible
    // to replay, so it is refused (the caller does not acknowledge it). The cycle is published
    // before the floor is read, and writeCheckpoint raises the floor before it reads the cycle:
    // with both volatile, one of the two sides always sees the other.
    if (cycle < appendFloor) {
      throw new IOException(
          "WAL record landed in cycle "
              + cycle
              + ", below the checkpoint's first kept cycle "
              + appendFloor
              + " (did the clock step back?) in "
              + dir);
    }
  }

  /** Writes one framed record; returns its cycle, published as {@link #lastAppendCycle}. */
  private int writeExcerpt(ExcerptAppender a, ByteBuffer payload, int checksum) throws IOException {
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
    int cycle = a.cycle();
    if (cycle != lastAppendCycle) {
      lastAppendCycle = cycle;
    }
    return cycle;
  }

  /**
   * The roll cycle of the record the last successful {@link #append} wrote; -1 before the first.
   */
  public int lastAppendCycle() {
    return lastAppendCycle;
  }

  /** The cycles that have a file on disk, ascending. */
  public int[] cycles() throws IOException {
    List<CycleFiles.CycleFile> files = cycleFiles.list();
    int[] cycles = new int[files.size()];
    for (int i = 0; i < cycles.length; i++) {
      cycles[i] = files.get(i).cycle();
    }
    return cycles;
  }

  /**
   * Writes a checkpoint that replaces every cycle below {@code firstKeptCycle}: the records {@code
   * source} supplies, durably, under {@code checkpoint.<firstKeptCycle>}. From then on replay reads
   * it first and then only cycles {@code >= firstKeptCycle}. Follow it with {@link
   * #deleteCyclesBefore}{@code (firstKeptCycle)}. Safe while the writer appends.
   *
   * @throws IllegalArgumentException when {@code firstKeptCycle} is below the newest checkpoint's,
   *     or above the cycle the writer appends to ({@link #lastAppendCycle}, or the current cycle
   *     before the first append): records appended after the checkpoint would then be skipped
   */
  public CheckpointResult writeCheckpoint(int firstKeptCycle, CheckpointSource source)
      throws IOException {
    maintenance.lock();
    try {
      ensureOpen();
      CheckpointFiles.Checkpoint current = checkpoint;
      if (firstKeptCycle < 0 || (current != null && firstKeptCycle < current.firstKeptCycle())) {
        throw new IllegalArgumentException(
            "checkpoint first kept cycle "
                + firstKeptCycle
                + " is below the newest checkpoint's "
                + (current == null ? "(none)" : current.firstKeptCycle())
                + " in "
                + dir);
      }
      int previousFloor = appendFloor;
      appendFloor = Math.max(previousFloor, firstKeptCycle);
      int writing = appenderCycleBound();
      if (firstKeptCycle > writing) {
        appendFloor = previousFloor;
        throw new IllegalArgumentException(
            "checkpoint first kept cycle "
                + firstKeptCycle
                + " is above cycle "
                + writing
                + ", which the WAL still appends to, in "
                + dir);
      }
      CheckpointResult result = CheckpointWriter.write(dir, firstKeptCycle, source);
      checkpoint = new CheckpointFiles.Checkpoint(firstKeptCycle, result.file());
      lastWritten = result;
      LOG.debug(
          "WAL checkpoint {} written: {} records, {} payload bytes, {} ms",
          result.file(),
          result.records(),
          result.bytes(),
          TimeUnit.NANOSECONDS.toMillis(result.durationNanos()));
      return result;
    } finally {
      maintenance.unlock();
    }
  }

  /**
   * As {@link #writeCheckpoint(int, CheckpointSource)} with records already in memory, written in
   * iteration order (each payload's remaining bytes; the buffers are consumed).
   */
  public CheckpointResult writeCheckpoint(
      int firstKeptCycle, Iterable<? extends ByteBuffer> records) throws IOException {
    return writeCheckpoint(
        firstKeptCycle,
        out -> {
          for (ByteBuffer payload : records) {
            out.add(payload);
          }
        });
  }

  /**
   * Deletes the cycle files below {@code cycle} that the newest checkpoint replaces, oldest first,
   * never the cycle the writer appends to, then older checkpoints and leftover temporary files.
   * Chronicle's directory listing is refreshed so that its tailers and appender forget the deleted
   * cycles. Safe while the writer appends. Logs one INFO line.
   *
   * <p>Nothing at or above the newest checkpoint's first kept cycle is deleted, so without a
   * checkpoint this deletes no cycle: a cycle no checkpoint replaces still holds needed records.
   */
  public TruncationResult deleteCyclesBefore(int cycle) throws IOException {
    maintenance.lock();
    try {
      ensureOpen();
      long start = System.nanoTime();
      CheckpointFiles.Checkpoint cp = checkpoint;
      int bound;
      long[] cycles;
      synchronized (firstAppendLock) {
        bound =
            Math.max(
                0,
                Math.min(
                    cycle, Math.min(cp == null ? 0 : cp.firstKeptCycle(), appenderCycleBound())));
        try {
          cycles = cycleFiles.deleteBelow(bound);
        } finally {
          // NOTE: Chronicle keeps the lowest and highest cycle in metadata.cq4t and trusts them
          // (firstCycle(), toStart(), store reuse) until a listing refresh rescans the directory.
          queue.refreshDirectoryListing();
        }
      }
      long[] freed = {0};
      int checkpoints = OpenCleanup.deleteCheckpointsOtherThan(dir, cp, freed);
      if (cycles[0] > 0 || checkpoints > 0) {
        WalDirs.force(dir);
      }
      long took = System.nanoTime() - start;
      TruncationResult result =
          new TruncationResult(bound, (int) cycles[0], cycles[1], checkpoints, freed[0], took);
      CheckpointResult written = lastWritten;
      String cpText =
          cp == null
              ? "no checkpoint"
              : written != null && written.file().equals(cp.file())
                  ? String.format(
                      "%s (%d records, %d payload bytes, written in %d ms)",
                      cp.file().getFileName(),
                      written.records(),
                      written.bytes(),
                      TimeUnit.NANOSECONDS.toMillis(written.durationNanos()))
                  : cp.file().getFileName() + " (written earlier)";
      LOG.info(
          "WAL truncated in {}: {}; {} cycle files below cycle {} deleted ({} bytes), {} older checkpoint files "
              + "deleted ({} bytes), {} ms",
          dir,
          cpText,
          result.cyclesDeleted(),
          bound,
          result.cycleBytes(),
          checkpoints,
          freed[0],
          TimeUnit.NANOSECONDS.toMillis(took));
      return result;
    } finally {
      maintenance.unlock();
    }
  }

  /**
   * The lowest cycle the writer may still append to: the cycle of its last append or, before the
   * first one, the current cycle (Chronicle creates the first file for the clock's cycle).
   */
  private int appenderCycleBound() {
    synchronized (firstAppendLock) {
      int c = lastAppendCycle;
      return c >= 0 ? c : queue.cycle();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("WAL is closed: " + dir);
    }
  }

  /** Forces what was appended so far to stable storage. Thread-safe. */
  public void sync() throws IOException {
    syncer.sync();
  }

  /**
   * Reads every intact record, oldest first: the newest checkpoint's, then those of the cycles it
   * did not replace. Corrupt ones are logged with file and position and skipped.
   */
  public ReplayResult replay(RecordHandler handler) throws IOException {
    return replay((payload, cycle) -> handler.onRecord(payload));
  }

  /**
   * As {@link #replay(RecordHandler)}, telling the handler each record's cycle or that it is a
   * checkpoint record.
   */
  public ReplayResult replay(CycleRecordHandler handler) throws IOException {
    maintenance.lock();
    try {
      ensureOpen();
      return new WalReplayer(queue, dir).replay(checkpoint, handler);
    } finally {
      maintenance.unlock();
    }
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

  /**
   * The Chronicle queue underneath, for tests that check what Chronicle believes about the files.
   */
  SingleChronicleQueue chronicle() {
    return queue;
  }

  /**
   * "wal-sync-... died: ..." once the interval syncer stopped on an error (the process is then
   * ending; see {@link EscalatingTask}), else null.
   */
  public String deathNotice() {
    return syncTask == null ? null : syncTask.deathNotice();
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
    // NOTE: waits for a checkpoint or truncation in progress, which uses the queue.
    maintenance.lock();
    try {
      failure = closeResources();
    } finally {
      maintenance.unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private IOException closeResources() {
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
    return failure;
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
