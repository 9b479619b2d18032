package io.rwgateway.wal;

import io.rwgateway.model.CrashPoints;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;

/**
 * Finds a WAL's cycle files ({@code yyyyMMdd-HH'F'.cq4}) and their cycle numbers, and deletes them
 * oldest first.
 *
 * <p>NOTE: names are parsed with Chronicle's own {@link RollingResourcesCache} (the class the queue
 * uses to name the files it creates), so a cycle number here is exactly the one Chronicle encodes
 * in a record's index ({@code RollCycle.toCycle(index)}).
 */
final class CycleFiles {
  static final String SUFFIX = ".cq4";

  private final Path dir;
  private final RollingResourcesCache names;

  CycleFiles(Path dir, RollCycle rollCycle, long epoch) {
    this.dir = dir;
    this.names =
        new RollingResourcesCache(
            rollCycle,
            epoch,
            name -> new File(dir.toFile(), name + SUFFIX),
            file -> stripSuffix(file.getName()));
  }

  /** One cycle file. */
  record CycleFile(int cycle, Path path) {}

  /** The cycle files present, ascending by cycle; names Chronicle would not produce are ignored. */
  List<CycleFile> list() throws IOException {
    List<CycleFile> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : s) {
        int cycle = cycleOf(p.getFileName().toString());
        if (cycle >= 0) {
          files.add(new CycleFile(cycle, p));
        }
      }
    }
    files.sort((a, b) -> Integer.compare(a.cycle(), b.cycle()));
    return files;
  }

  /** The cycle a file name stands for, or -1. */
  int cycleOf(String fileName) {
    if (!fileName.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return names.parseCount(stripSuffix(fileName));
    } catch (RuntimeException e) {
      return -1; // not a cycle file name
    }
  }

  /**
   * Deletes the cycle files below {@code bound}, oldest first, so that a crash part way leaves the
   * newer ones (a suffix of the log). Returns {count, bytes}.
   */
  long[] deleteBelow(int bound) throws IOException {
    int count = 0;
    long[] freed = {0};
    for (CycleFile f : list()) {
      if (f.cycle() >= bound) {
        break;
      }
      if (WalDirs.delete(f.path(), freed)) {
        count++;
        CrashPoints.reached("wal-cycle-deleted");
      }
    }
    return new long[] {count, freed[0]};
  }

  private static String stripSuffix(String name) {
    return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
  }
}
