package io.rwgateway.wal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and finds checkpoint files in a WAL directory: {@code checkpoint.<first kept cycle>} once
 * complete, {@code checkpoint.<first kept cycle>.tmp} while being written. Layout of the file:
 * docs/format/wal.md ("Checkpoint").
 */
final class CheckpointFiles {
  static final String PREFIX = "checkpoint.";
  static final String TMP_SUFFIX = ".tmp";

  /** Leading bytes of a checkpoint file: "RWCP". */
  static final byte[] MAGIC = {'R', 'W', 'C', 'P'};

  static final int FORMAT_VERSION = 1;

  /** magic(4) version(1) reserved(3) first_kept_cycle(u32) crc32c(u32). */
  static final int HEADER_BYTES = 16;

  private CheckpointFiles() {}

  /** A complete checkpoint on disk. */
  record Checkpoint(int firstKeptCycle, Path file) {}

  /**
   * What a WAL directory holds besides cycle files: complete checkpoints, oldest first, and
   * temporaries.
   */
  record Listing(List<Checkpoint> complete, List<Path> temporaries) {
    /** The checkpoint replay uses (the highest first kept cycle), or null. */
    Checkpoint newest() {
      return complete.isEmpty() ? null : complete.get(complete.size() - 1);
    }
  }

  static String name(int firstKeptCycle) {
    // NOTE: zero-padded so that a plain `ls` sorts checkpoints in cycle order.
    return String.format("%s%08d", PREFIX, firstKeptCycle);
  }

  /** The first kept cycle a complete checkpoint's name carries, or -1 when it is no such name. */
  static int parse(String fileName) {
    if (!fileName.startsWith(PREFIX)
        || fileName.length() == PREFIX.length()
        || fileName.length() > PREFIX.length() + 10) {
      return -1;
    }
    long v = 0;
    for (int i = PREFIX.length(); i < fileName.length(); i++) {
      char c = fileName.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  static Listing list(Path dir) throws IOException {
    List<Checkpoint> complete = new ArrayList<>();
    List<Path> temporaries = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.endsWith(TMP_SUFFIX)) {
          temporaries.add(p);
          continue;
        }
        int cycle = parse(name);
        if (cycle >= 0) {
          complete.add(new Checkpoint(cycle, p));
        }
      }
    }
    complete.sort((a, b) -> Integer.compare(a.firstKeptCycle(), b.firstKeptCycle()));
    return new Listing(complete, temporaries);
  }
}
