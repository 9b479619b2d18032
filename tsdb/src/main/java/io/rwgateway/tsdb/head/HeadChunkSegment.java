package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.EpochLeases;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment file of {@link HeadChunks}: its name, how much of it is written and still used, and
 * the channel readers share. The writer's channel is kept by {@link HeadChunks}, not here.
 *
 * <p>NOTE: a {@link FileChannel} is closed for every user when a thread is interrupted in one of
 * its operations. So that one cancelled query cannot break reads of the head for everyone, a reader
 * that finds the channel closed (and was not interrupted itself) opens it again, unless the segment
 * was closed on purpose. A file that was already deleted cannot be reopened; that is why {@link
 * HeadChunks} opens the channel before it deletes a segment.
 */
final class HeadChunkSegment implements Closeable {
  final int seq;
  final Path path;

  // ---- changed by the head's single mutator at a time (see HeadChunks) ----
  /** Bytes written to the file. */
  long size;

  /**
   * The latest last-sample time of the chunks in this segment: once the head has dropped everything
   * before a later time, no chunk here is used.
   */
  long maxChunkTime = Long.MIN_VALUE;

  /** The file is deleted; the channel stays open for readers until {@link #close}. */
  boolean deleted;

  /** The {@link EpochLeases} epoch in which the file was deleted. */
  long retiredInEpoch;

  /**
   * Bytes of the file that are completely written: readers may keep copies of bytes below it, since
   * a record is written once and never changed. Set by the writer after each write.
   */
  volatile long written;

  private volatile FileChannel reader;
  private volatile boolean closed;

  HeadChunkSegment(int seq, Path path) {
    this.seq = seq;
    this.path = path;
  }

  /** The six-digit file name of segment {@code seq}, as Prometheus names its head chunk files. */
  static String fileName(int seq) {
    return String.format("%06d", seq);
  }

  /**
   * Reads at {@code pos} into {@code dst} (from its position to its limit) until at least {@code
   * min} bytes are there or the file ends; returns the bytes read. Any thread.
   */
  int readAtLeast(ByteBuffer dst, int min, long pos) throws IOException {
    int got = 0;
    while (got < min && dst.hasRemaining()) {
      int n = read(dst, pos + got);
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got;
  }

  private int read(ByteBuffer dst, long pos) throws IOException {
    FileChannel ch = channel();
    try {
      return ch.read(dst, pos);
    } catch (ClosedChannelException e) {
      // Closed by another thread's interrupt (we retry once on a new channel), on purpose, or by
      // our own interrupt (both rethrown).
      if (Thread.currentThread().isInterrupted() || !forget(ch)) {
        throw e;
      }
      return channel().read(dst, pos);
    }
  }

  /** Opens the channel now if it is not open yet (before the file is deleted). */
  void open() throws IOException {
    channel();
  }

  private FileChannel channel() throws IOException {
    FileChannel ch = reader;
    if (ch != null) {
      return ch;
    }
    synchronized (this) {
      if (closed) {
        throw new ClosedChannelException();
      }
      if (reader == null) {
        reader = FileChannel.open(path, StandardOpenOption.READ);
      }
      return reader;
    }
  }

  /**
   * Drops a channel found closed so that the next read opens a new one; false if closed on purpose.
   */
  private synchronized boolean forget(FileChannel ch) {
    if (closed) {
      return false;
    }
    if (reader == ch) {
      reader = null;
    }
    return true;
  }

  /** Closes the readers' channel for good. Reads that still come get a ClosedChannelException. */
  @Override
  public synchronized void close() throws IOException {
    closed = true;
    FileChannel ch = reader;
    reader = null;
    if (ch != null) {
      ch.close();
    }
  }
}
