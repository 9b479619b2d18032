package io.rwgateway.wal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers that damage a closed WAL's cycle files the way a crash or a bad disk would. */
final class WalFiles {
  private WalFiles() {}

  static Path onlyCycleFile(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
      if (files.size() != 1) {
        throw new AssertionError("expected one cycle file, found " + files);
      }
      return files.get(0);
    }
  }

  /** Offset of the first occurrence of {@code needle} in {@code file}. */
  static long find(Path file, byte[] needle) throws IOException {
    byte[] hay = Files.readAllBytes(file);
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("bytes not found in " + file);
  }

  static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5A);
    }
  }

  static void zero(Path file, long from, int len) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(from);
      f.write(new byte[len]);
    }
  }
}
