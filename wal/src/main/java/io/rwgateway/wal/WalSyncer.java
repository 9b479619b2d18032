package io.rwgateway.wal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * Forces appended WAL bytes to stable storage: fsync of every cycle file appended to since the
 * previous sync, and of the directory once per cycle file this process starts writing.
 *
 * <p>The writer thread reports each append with {@link #noteAppend}; that path takes no lock except
 * on a roll (once per cycle), so it never waits behind an fsync running on another thread.
 *
 * <p>NOTE: fsync of the file rather than Chronicle's appender msync: see docs/format/wal.md ("Sync
 * modes"). On Linux, writeback of a file covers pages dirtied through a shared mapping.
 */
final class WalSyncer {
  private final Path dir;
  private final Object syncLock = new Object();
  private final Object pendingLock = new Object();

  /** Cycle files appended to since they were last forced; the current cycle always stays. */
  private final ArrayList<CycleFile> pending = new ArrayList<>(); // guarded by pendingLock

  private final ArrayList<CycleFile> work = new ArrayList<>(); // guarded by syncLock

  private volatile long appendSeq;
  private volatile int lastCycle;
  private int writerCycle = Integer.MIN_VALUE; // writer thread only
  private volatile long syncedSeq; // written under syncLock
  private boolean closed; // guarded by syncLock

  WalSyncer(Path dir) {
    this.dir = dir;
  }

  /** Called by the writer thread after each append with the appender that wrote it. */
  void noteAppend(ExcerptAppender appender) {
    int cycle = appender.cycle();
    if (cycle != writerCycle) {
      File file = appender.currentFile();
      if (file == null) {
        throw new IllegalStateException("Chronicle appender has no current file after an append");
      }
      writerCycle = cycle;
      CycleFile cf = new CycleFile(cycle, file.toPath());
      synchronized (pendingLock) {
        pending.add(cf);
      }
      lastCycle = cycle;
    }
    appendSeq = appendSeq + 1; // single writer: read-increment-write is race-free
  }

  /** True when something was appended since the last successful sync. */
  boolean dirty() {
    return appendSeq != syncedSeq;
  }

  void sync() throws IOException {
    synchronized (syncLock) {
      if (closed) {
        throw new IOException("WAL is closed: " + dir);
      }
      long seq = appendSeq;
      if (seq == syncedSeq) {
        return;
      }
      int current = lastCycle;
      work.clear();
      synchronized (pendingLock) {
        work.addAll(pending);
      }
      boolean newFile = false;
      for (int i = 0; i < work.size(); i++) {
        CycleFile cf = work.get(i);
        if (cf.channel == null) {
          try {
            cf.channel = FileChannel.open(cf.path, StandardOpenOption.READ);
          } catch (NoSuchFileException e) {
            if (cf.cycle == current) {
              throw e;
            }
            // NOTE: truncation deleted this older cycle after a durable checkpoint replaced it
            // (it never deletes the cycle being appended to): nothing of it is left to force.
            continue;
          }
        }
        // NOTE: fdatasync is enough: it also writes the file size when Chronicle grew the file.
        cf.channel.force(false);
        newFile |= !cf.dirSynced;
      }
      if (newFile) {
        WalDirs.force(dir);
        for (int i = 0; i < work.size(); i++) {
          work.get(i).dirSynced = true;
        }
      }
      synchronized (pendingLock) {
        for (int i = 0; i < work.size(); i++) {
          CycleFile cf = work.get(i);
          if (cf.cycle != current) {
            pending.remove(cf);
            cf.close();
          }
        }
      }
      work.clear();
      syncedSeq = seq;
    }
  }

  void close() {
    synchronized (syncLock) {
      closed = true;
      synchronized (pendingLock) {
        for (CycleFile cf : pending) {
          cf.close();
        }
        pending.clear();
      }
    }
  }

  private static final class CycleFile {
    final int cycle;
    final Path path;
    FileChannel channel;
    boolean dirSynced;

    CycleFile(int cycle, Path path) {
      this.cycle = cycle;
      this.path = path;
    }

    void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // NOTE: closing a read-only descriptor we only fsync'd cannot lose data.
        }
        channel = null;
      }
    }
  }
}
