package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.EpochLeases;
import io.rwgateway.tsdb.layout.BlockFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finished chunks of one head (float chunks, and histogram and float histogram chunks in chains
 * of their own), kept in append-only segment files {@code <dir>/000001}, {@code 000002}, ...
 * instead of the Java heap, which keeps only each series' open chunk (Prometheus' {@code
 * chunks_head}). Layout: docs/format/head-chunks.md. A chunk is named by a ref, {@code segment seq
 * << 32 | offset of its record}.
 *
 * <p>NOTE: a cache, not durable state. WAL replay rebuilds every chunk, so the directory is wiped
 * when the head is created and removed when it is closed, nothing is fsynced, and there is no
 * recovery.
 *
 * <p>NOTE: written and read with positional {@link FileChannel} calls, which go through the page
 * cache, not through a memory mapping: mapped pages would count in the process' RSS, and keeping
 * these bytes out of the process is the point. Appends are buffered and written about a MiB at a
 * time; a read is one {@code pread} for a chunk of usual length.
 *
 * <p>Concurrency: {@link #append}, {@link #flush}, {@link #release} and {@link #deleteUnused} are
 * called by one thread at a time, ordered by the head's write lock or by excluding the writer: the
 * writer thread while it applies a batch, replay before the head is published, truncation with the
 * writer excluded. The writer flushes before it releases the write lock, so every ref a reader can
 * have snapshotted under the read lock is in the file. {@link #read} is for any thread.
 *
 * <p>Segments are deleted once none of their chunks is used (see {@link #deleteUnused}).
 */
final class HeadChunks implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(HeadChunks.class);

  static final long DEFAULT_SEGMENT_BYTES = 128L << 20;

  /**
   * Before each chunk, big-endian: its length (4 bytes), a CRC32C (4 bytes) of everything else in
   * the record, the chunk's max time, its min time, and the ref and max time of the same series'
   * previous finished chunk (8 bytes each): the link of the series' chain (see {@link #NO_CHUNK}).
   */
  static final int RECORD_HEADER = 40;

  /** The ref of "no chunk": the end of a series' chain. Never a real ref (offsets start at 0). */
  static final long NO_CHUNK = -1L;

  /**
   * The longest chunk a record holds (24 bits): longer than any 120-sample XOR chunk (at most ~2.3
   * KB) and any histogram chunk of sane bucket counts; a longer length means corruption.
   */
  static final int MAX_CHUNK = (1 << 24) - 1;

  /**
   * Bit of a record's kind byte: a histogram chunk that starts a run (its header chosen as for a
   * series' first chunk); see docs/format/head-chunks.md.
   */
  static final int RUN_START = 0x80;

  /**
   * Bit of a record's kind byte: a histogram chunk cut early under memory pressure, not where 2.42
   * would end it; the block cut re-cuts its series' range (docs/format/head-chunks.md).
   */
  static final int EARLY_CUT = 0x40;

  /** The kind byte's flag bits; the rest is the {@link ChunkEncoding}. */
  static final int FLAGS = RUN_START | EARLY_CUT;

  /** The write buffer starts this small (most tenants cut a few KB per batch) ... */
  private static final int BUFFER_MIN = 64 << 10;

  /** ... and grows up to this before it is written out whole (replay, bursts of cuts). */
  static final int BUFFER_MAX = 1 << 20;

  /** Bytes read at once: the record header and, in the same read, a chunk of up to 472 bytes. */
  private static final int READ_AHEAD = 512;

  /** Offsets are the low 32 bits of a ref. */
  private static final long MAX_OFFSET = 0xFFFF_FFFFL;

  private static final HeadChunkSegment[] NO_SEGMENTS = new HeadChunkSegment[0];

  private final Path dir;
  private final long segmentBytes;

  /** Deletes its files at JVM exit too (a temporary directory of a head nobody closes). */
  private final boolean temporary;

  /** Segments that may still be read, oldest first; replaced whole on every change. */
  private volatile HeadChunkSegment[] segments = NO_SEGMENTS;

  /**
   * Deleted segments whose channels stay open for readers that may still hold refs into them:
   * closed by a later {@link #deleteUnused} once {@link #readers} has no lease from before their
   * retirement.
   */
  private final List<HeadChunkSegment> retired = new ArrayList<>();

  /** Leases of streaming readers (see {@link EpochLeases}). */
  private final EpochLeases readers = new EpochLeases("head chunk readers");

  private volatile long diskBytes;
  private volatile boolean closed;

  /**
   * Chunks whose last sample is before this time are dropped (head truncation): chain walks stop
   * before them, and a segment whose every chunk is before it is deleted. Raised by truncation.
   */
  private volatile long liveFrom = Long.MIN_VALUE;

  // ---- writer state ----
  private HeadChunkSegment current;

  /** The current segment's channel for writing; opened by the first write to it. */
  private FileChannel out;

  /** Records not yet written to the current segment; direct, so a write does not copy it first. */
  private ByteBuffer buf = ByteBuffer.allocateDirect(0);

  /** Offset in the current segment of the buffer's first byte. */
  private long bufStart;

  private final CRC32C crc = new CRC32C();
  private final byte[] headBytes = new byte[RECORD_HEADER];

  /** The last write failed (logged once until a write succeeds again; see {@link #failing()}). */
  private volatile boolean failing;

  HeadChunks(Path dir, long segmentBytes, boolean temporary) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.temporary = temporary;
    current = addSegment(1);
  }

  /** Chunks in {@code dir}, emptied first: whatever a previous run left there is stale. */
  static HeadChunks open(Path dir) throws IOException {
    return open(dir, DEFAULT_SEGMENT_BYTES);
  }

  static HeadChunks open(Path dir, long segmentBytes) throws IOException {
    if (Files.exists(dir)) {
      BlockFiles.deleteRecursively(dir);
    }
    Files.createDirectories(dir);
    return new HeadChunks(dir, segmentBytes, false);
  }

  /**
   * Chunks in a new temporary directory, removed at close or else at JVM exit (tests, benchmarks).
   */
  static HeadChunks temporary() {
    try {
      Path dir = Files.createTempDirectory("rwgateway-head-chunks-");
      dir.toFile().deleteOnExit(); // runs after the files' (registered later, deleted first)
      return new HeadChunks(dir, DEFAULT_SEGMENT_BYTES, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  /**
   * Buffers a finished chunk with samples from {@code minTime} to {@code maxTime} and returns its
   * ref. {@code prevRef} and {@code prevMaxTime} name the same series' previous finished chunk
   * ({@link #NO_CHUNK} for none), whose samples are all before {@code minTime}: the series keeps
   * only its newest ref, and readers walk back through these links. Writes the buffer when it is
   * full, but never fails: a failed write keeps the bytes buffered (see {@link #flush}).
   */
  long append(
      byte[] chunk, int off, int len, long minTime, long maxTime, long prevRef, long prevMaxTime) {
    return append(chunk, off, len, minTime, maxTime, prevRef, prevMaxTime, ChunkEncoding.XOR);
  }

  /**
   * As {@link #append(byte[], int, int, long, long, long, long)}, for a chunk of any encoding:
   * {@code kind} is its {@link ChunkEncoding}, or'ed with {@link #RUN_START} for a histogram chunk
   * that starts a run and {@link #EARLY_CUT} for one cut early under memory pressure.
   */
  long append(
      byte[] chunk,
      int off,
      int len,
      long minTime,
      long maxTime,
      long prevRef,
      long prevMaxTime,
      int kind) {
    if (len < 2 || len > MAX_CHUNK) {
      throw new IllegalArgumentException("chunk length " + len);
    }
    int rec = RECORD_HEADER + len;
    if (bufStart + buf.position() + rec > segmentBytes && bufStart + buf.position() > 0) {
      roll();
    }
    if (buf.remaining() < rec) {
      if (buf.capacity() >= BUFFER_MAX) {
        flush();
      }
      if (buf.remaining() < rec) {
        grow(Math.max(Math.max(BUFFER_MIN, buf.capacity() * 2), buf.position() + rec));
      }
    }
    long at = bufStart + buf.position();
    if (at + rec > MAX_OFFSET) {
      // Only if writes kept failing for 4 GiB: the heap would have given out long before.
      throw new IllegalStateException("head chunk segment over 4 GiB: " + current.path);
    }
    putInt(headBytes, 0, (kind & 0xff) << 24 | len);
    putLong(headBytes, 8, maxTime);
    putLong(headBytes, 16, minTime);
    putLong(headBytes, 24, prevRef);
    putLong(headBytes, 32, prevMaxTime);
    crc.reset();
    crc.update(headBytes, 0, 4);
    crc.update(headBytes, 8, RECORD_HEADER - 8);
    crc.update(chunk, off, len);
    putInt(headBytes, 4, (int) crc.getValue());
    buf.put(headBytes).put(chunk, off, len);
    if (maxTime > current.maxChunkTime) {
      current.maxChunkTime = maxTime;
    }
    return (long) current.seq << 32 | at;
  }

  /**
   * Writes what is buffered. Never throws: the WAL holds every sample, so a failed write is logged
   * and its bytes stay buffered, to be written at the same offset by the next flush; until then,
   * reading those chunks fails (the query gets the error), appending does not.
   */
  void flush() {
    if (buf.position() == 0) {
      return;
    }
    buf.flip();
    try {
      if (out == null || !out.isOpen()) { // not opened yet, or closed by an interrupt
        out = FileChannel.open(current.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (temporary) {
          current.path.toFile().deleteOnExit();
        }
      }
      while (buf.hasRemaining()) {
        int n = out.write(buf, bufStart);
        bufStart += n;
        current.size += n;
        current.written = bufStart;
        diskBytes += n;
      }
      buf.clear();
      if (failing) {
        failing = false;
        LOG.info("head chunks are written again: file={}", current.path);
      }
    } catch (IOException e) {
      buf.compact(); // what was not written moves to the front, which is now at bufStart
      if (!failing) {
        failing = true;
        LOG.error(
            "cannot write head chunks, keeping them in memory and retrying at the next batch: "
                + "file={} offset={} err=\"{}\"",
            current.path,
            bufStart,
            e.toString());
      }
    }
  }

  /**
   * Starts the next segment, unless a failed write left bytes for this one (it then grows past its
   * size).
   */
  private void roll() {
    flush();
    if (buf.position() != 0) {
      return;
    }
    closeQuietly(out);
    out = null;
    current = addSegment(current.seq + 1);
    bufStart = 0;
  }

  private HeadChunkSegment addSegment(int seq) {
    HeadChunkSegment s = new HeadChunkSegment(seq, dir.resolve(HeadChunkSegment.fileName(seq)));
    HeadChunkSegment[] a = Arrays.copyOf(segments, segments.length + 1);
    a[a.length - 1] = s;
    segments = a;
    return s;
  }

  private void grow(int capacity) {
    ByteBuffer b = ByteBuffer.allocateDirect(capacity);
    buf.flip();
    b.put(buf);
    buf = b;
  }

  /**
   * After replay (which fills the buffer to its maximum): back to the small buffer of steady state.
   */
  void shrinkBuffer() {
    if (buf.position() == 0 && buf.capacity() > BUFFER_MIN) {
      buf = ByteBuffer.allocateDirect(BUFFER_MIN);
    }
  }

  /**
   * The chunk {@code ref} names, in a new array (any thread). The ref must have been flushed.
   *
   * @throws UncheckedIOException naming the file and offset, when it cannot be read or is corrupt
   */
  byte[] read(long ref) {
    ReadBuffer rb = new ReadBuffer();
    read(ref, rb);
    return Arrays.copyOf(rb.bytes, rb.length);
  }

  /**
   * Reads the chunk {@code ref} names into {@code into} (any thread): {@code into.bytes[0,
   * length)}. Allocates nothing unless the chunk is longer than any before it in that buffer.
   *
   * @throws UncheckedIOException naming the file and offset, when it cannot be read or is corrupt
   */
  void read(long ref, ReadBuffer into) {
    int seq = (int) (ref >>> 32);
    long off = ref & MAX_OFFSET;
    try {
      HeadChunkSegment s = segment(seq);
      if (s == null) {
        throw new IOException("no such segment" + (closed ? " (head closed)" : " (deleted)"));
      }
      if (!into.fromWindow(s, off)) {
        readRecord(s, off, into);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read head chunk: file="
              + dir.resolve(HeadChunkSegment.fileName(seq))
              + " offset="
              + off
              + ": "
              + e,
          e);
    }
  }

  private static void readRecord(HeadChunkSegment s, long off, ReadBuffer rb) throws IOException {
    ByteBuffer bb = rb.bb;
    bb.clear().limit(READ_AHEAD);
    int got = s.readAtLeast(bb, RECORD_HEADER, off);
    if (got < RECORD_HEADER) {
      throw new CorruptChunkException("record header past the end of the file");
    }
    int len = getInt(rb.bytes, 0) & MAX_CHUNK;
    if (len < 2) {
      throw new CorruptChunkException("bad chunk length " + len);
    }
    int total = RECORD_HEADER + len;
    if (got < total) {
      rb.ensure(total);
      bb = rb.bb;
      bb.limit(total).position(got);
      if (s.readAtLeast(bb, total - got, off + got) < total - got) {
        throw new CorruptChunkException("chunk of " + len + " bytes past the end of the file");
      }
    }
    if (!rb.accept(len)) {
      throw new CorruptChunkException("checksum mismatch");
    }
    if (!validKind(rb.kind)) {
      throw new CorruptChunkException("bad chunk kind " + rb.kind);
    }
  }

  private static boolean validKind(int kind) {
    int encoding = kind & ~FLAGS;
    return encoding >= ChunkEncoding.XOR && encoding <= ChunkEncoding.FLOAT_HISTOGRAM;
  }

  /** One reader's reused buffer for {@link #read(long, ReadBuffer)}; not thread-safe. */
  static final class ReadBuffer {
    /** The last chunk read is {@code bytes[0, length)}; the rest is scratch. */
    byte[] bytes = new byte[READ_AHEAD];

    int length;

    /** Times of the last chunk's last and first samples. */
    long maxTime;

    long minTime;

    /**
     * The link in the last chunk's record: the ref and max time of its series' previous chunk
     * ({@link #NO_CHUNK} when it was the series' first).
     */
    long prevRef;

    long prevMaxTime;

    /**
     * The last chunk's kind byte: its {@link ChunkEncoding}, with {@link #RUN_START} for a
     * histogram chunk that starts a run.
     */
    int kind;

    private ByteBuffer bb = ByteBuffer.wrap(bytes);
    private final CRC32C crc = new CRC32C();

    private void ensure(int capacity) {
      if (bytes.length < capacity) {
        bytes = Arrays.copyOf(bytes, capacity);
        bb = ByteBuffer.wrap(bytes);
      }
    }

    // ---- read windows: a reader going through many series reads their chunks from a few large
    // reads instead of one pread each. Series that are close in label order were usually created
    // close together and cut their chunks at about the same time, so their chunks lie close
    // together in the file; a scan (a Series call, a block cut) then finds most chunks in a window
    // it read for an earlier one. A reader that reads only a few chunks never loads a window.
    // That locality holds when series cut chunks in step (at 120 samples, scraped together), not
    // when chunks are cut by size and series fill them at different rates: then nearly every
    // window is read for one record, a 32 KiB read where a 512-byte one would do (measured: 38k
    // against 68k series/s in SeriesReadBench's head phase). So a reader checks how many records
    // its windows served, and reads directly for a while when windows do not pay.

    /** Reads before a reader starts to use windows. */
    static final int DIRECT_READS = 16;

    static final int WINDOW_BYTES = 32 << 10;
    static final int WINDOWS = 32;

    /** Windows loaded between two checks of whether they pay. */
    private static final int CHECK_LOADS = 32;

    /** Records a window must serve on average to be worth its read. */
    private static final int MIN_SERVED = 4;

    /** Direct reads before a reader that gave up on windows tries them again. */
    private static final int BACKOFF_READS = 8192;

    private int served; // records served from windows since the last check
    private int loadsSinceCheck;
    private int directUntil; // read directly until `reads` passes this

    private int reads;
    private ByteBuffer[] windows; // heap: no native memory that only a GC would free
    private int[] windowSeq;
    private long[] windowStart;
    private int[] windowLength;
    private int victim;

    /** Windows loaded so far (for tests). */
    int windowLoads;

    /**
     * Reads the record at {@code off} of {@code s} from a window, loading one if none holds it.
     * False when the record is not in any window and cannot be (too few reads yet, a record longer
     * than a window, a checksum that fails in the copy): the caller then reads it directly, so a
     * corrupt record is reported by the direct read.
     */
    boolean fromWindow(HeadChunkSegment s, long off) throws IOException {
      if (++reads <= DIRECT_READS || reads < directUntil) {
        return false;
      }
      if (windows == null) {
        windows = new ByteBuffer[WINDOWS];
        windowSeq = new int[WINDOWS];
        windowStart = new long[WINDOWS];
        windowLength = new int[WINDOWS];
        Arrays.fill(windowSeq, -1);
      }
      for (int w = 0; w < WINDOWS; w++) {
        if (windowSeq[w] == s.seq && off >= windowStart[w]) {
          long rel = off - windowStart[w];
          if (rel + RECORD_HEADER <= windowLength[w]) {
            served++;
            return copyRecord(w, (int) rel);
          }
        }
      }
      // Only what the writer has completely written is ever kept in a window.
      long end = Math.min(s.written, off + WINDOW_BYTES);
      if (end - off < RECORD_HEADER + 2) {
        return false;
      }
      int w = victim;
      victim = (victim + 1) % WINDOWS;
      if (windows[w] == null) {
        windows[w] = ByteBuffer.allocate(WINDOW_BYTES);
      }
      ByteBuffer win = windows[w];
      win.clear().limit((int) (end - off));
      windowSeq[w] = -1; // invalid until filled
      int got = s.readAtLeast(win, (int) (end - off), off);
      windowLoads++;
      if (++loadsSinceCheck == CHECK_LOADS) {
        if (served < CHECK_LOADS * (MIN_SERVED - 1)) {
          directUntil = reads + BACKOFF_READS;
        }
        served = 0;
        loadsSinceCheck = 0;
      }
      if (got < RECORD_HEADER + 2) {
        return false;
      }
      windowSeq[w] = s.seq;
      windowStart[w] = off;
      windowLength[w] = got;
      return copyRecord(w, 0);
    }

    private boolean copyRecord(int w, int rel) {
      ByteBuffer win = windows[w];
      int len = win.getInt(rel) & MAX_CHUNK;
      if (len < 2 || rel + RECORD_HEADER + len > windowLength[w]) {
        return false; // past this window (or garbage): read directly
      }
      ensure(RECORD_HEADER + len);
      win.get(rel, bytes, 0, RECORD_HEADER + len);
      return accept(len) && validKind(kind); // a direct read reports a bad kind
    }

    /**
     * The record of a {@code len}-byte chunk is at {@code bytes[0, RECORD_HEADER + len)}: checks
     * its CRC, takes its header fields and moves the chunk to {@code bytes[0, len)}, where
     * XorIterator wants it. False (nothing taken) when the CRC does not match.
     */
    private boolean accept(int len) {
      byte[] b = bytes;
      crc.reset();
      crc.update(b, 0, 4);
      crc.update(b, 8, RECORD_HEADER - 8 + len);
      if ((int) crc.getValue() != getInt(b, 4)) {
        return false;
      }
      kind = b[0] & 0xff;
      maxTime = getLong(b, 8);
      minTime = getLong(b, 16);
      prevRef = getLong(b, 24);
      prevMaxTime = getLong(b, 32);
      System.arraycopy(b, RECORD_HEADER, b, 0, len);
      length = len;
      return true;
    }
  }

  /**
   * A record that is not what was written (the cause of the UncheckedIOException {@link #read}
   * throws).
   */
  static final class CorruptChunkException extends IOException {
    CorruptChunkException(String message) {
      super(message);
    }
  }

  private static void putInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }

  private static void putLong(byte[] b, int i, long v) {
    putInt(b, i, (int) (v >>> 32));
    putInt(b, i + 4, (int) v);
  }

  private static int getInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24
        | (b[i + 1] & 0xff) << 16
        | (b[i + 2] & 0xff) << 8
        | (b[i + 3] & 0xff);
  }

  private static long getLong(byte[] b, int i) {
    return (long) getInt(b, i) << 32 | (getInt(b, i + 4) & 0xFFFF_FFFFL);
  }

  private HeadChunkSegment segment(int seq) {
    // A handful of segments at most (128 MiB each): a scan is as fast as any map.
    for (HeadChunkSegment s : segments) {
      if (s.seq == seq) {
        return s;
      }
    }
    return null;
  }

  /**
   * Head truncation, before it drops anything: chunks whose last sample is before {@code t} are
   * dropped. Chain walks stop before them from now on, and {@link #deleteUnused} deletes the
   * segments that hold only such chunks.
   */
  void dropBefore(long t) {
    if (t > liveFrom) {
      liveFrom = t;
    }
  }

  /** Chunks whose last sample is before this are dropped (see {@link #dropBefore}). */
  long liveFrom() {
    return liveFrom;
  }

  /**
   * After head truncation: deletes the segments that are not being written and hold no chunk with a
   * sample at or after {@link #liveFrom}, and closes the channels of segments deleted earlier that
   * no reader can still be reading.
   *
   * <p>NOTE: deferred close. A reader may have snapshotted a series just before its chunks were
   * released, and may still read them. On Linux a deleted file stays readable through a channel
   * that is open, so a deleted segment keeps its channel (opened here if no read had opened it) and
   * stays findable until every streaming reader that started before its deletion has closed (its
   * lease, {@link #readers}). The list-returning querier takes no lease; for it the channel stays
   * open until the next truncation at least, one block range later, and a read that spans more
   * fails with an error, never wrong data.
   */
  void deleteUnused() {
    List<HeadChunkSegment> keep = new ArrayList<>(Arrays.asList(segments));
    for (Iterator<HeadChunkSegment> it = retired.iterator(); it.hasNext(); ) {
      HeadChunkSegment s = it.next();
      if (!readers.anyFrom(s.retiredInEpoch)) {
        keep.remove(s);
        closeQuietly(s);
        it.remove();
      }
    }
    long epoch = readers.endEpoch();
    for (HeadChunkSegment s : keep) {
      if (s == current || s.maxChunkTime >= liveFrom || s.deleted) {
        continue;
      }
      try {
        if (s.size > 0) {
          s.open();
        }
        Files.deleteIfExists(s.path);
        s.deleted = true;
        s.retiredInEpoch = epoch;
        diskBytes -= s.size;
        retired.add(s);
      } catch (IOException e) {
        LOG.warn(
            "cannot delete a head chunk segment, retrying at the next truncation: file={} err=\"{}\"",
            s.path,
            e.toString());
      }
    }
    segments = keep.toArray(NO_SEGMENTS);
  }

  /** The leases of streaming readers of these chunks. */
  EpochLeases readers() {
    return readers;
  }

  /** Whether the last write failed; its chunks stay buffered and are retried by every flush. */
  boolean failing() {
    return failing;
  }

  /** Bytes in segment files that are not deleted. */
  long diskBytes() {
    return diskBytes;
  }

  /** Segments that may still be read (deleted ones until their deferred close included). */
  int segmentCount() {
    return segments.length;
  }

  /** Closes every channel and removes the directory: the next start rebuilds it from the WAL. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(out);
    for (HeadChunkSegment s : segments) {
      closeQuietly(s);
    }
    segments = NO_SEGMENTS;
    retired.clear();
    try {
      if (Files.exists(dir)) {
        BlockFiles.deleteRecursively(dir);
      }
    } catch (IOException e) {
      LOG.warn(
          "cannot remove the head chunks directory (it is emptied at the next start): dir={} err=\"{}\"",
          dir,
          e.toString());
    }
    diskBytes = 0;
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed: {}", c, e.toString());
    }
  }
}
