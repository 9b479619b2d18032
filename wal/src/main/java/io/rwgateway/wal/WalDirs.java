package io.rwgateway.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system steps on the WAL directory shared by sync, checkpoint and truncation. */
final class WalDirs {
  private WalDirs() {}

  /** fsync of the directory itself: makes creations, renames and deletions in it durable. */
  static void force(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes {@code file}, adding its size to {@code freed[0]}; false when it was already gone. */
  static boolean delete(Path file, long[] freed) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!Files.deleteIfExists(file)) {
      return false;
    }
    freed[0] += size;
    return true;
  }
}
