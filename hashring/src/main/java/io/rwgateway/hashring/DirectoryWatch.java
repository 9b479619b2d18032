package io.rwgateway.hashring;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back on any change in the directories around the hashring file.
 *
 * <p>NOTE: it watches directories and ignores event names on purpose. A Kubernetes ConfigMap update
 * does not touch {@code hashrings.json}: the kubelet writes a new timestamped directory and renames
 * the {@code ..data} symlink onto it, so the only events are for {@code ..data} and friends in the
 * mount directory. Any event therefore means "read the file again and compare its content"; the
 * periodic check covers whatever the events miss (other filesystems, overflow, a watch that could
 * not be set).
 */
final class DirectoryWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

  private final WatchService service;
  private final Thread thread;
  private int validKeys; // touched by the constructor, then only by the watch thread

  /**
   * Watches the directory of {@code file} and, when the file is a symlink, the directory of its
   * target too (an edit of the target shows up only there). Directories that cannot be watched are
   * logged and skipped.
   */
  DirectoryWatch(Path file, Runnable onChange) throws IOException {
    service = FileSystems.getDefault().newWatchService();
    List<Path> dirs = new ArrayList<>();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      dirs.add(parent);
    }
    try {
      Path realParent = file.toRealPath().getParent();
      if (realParent != null && !dirs.contains(realParent)) {
        dirs.add(realParent);
      }
    } catch (IOException e) {
      // The file may not exist yet or point nowhere; its directory is watched all the same.
    }
    for (Path dir : dirs) {
      try {
        dir.register(
            service,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
        validKeys++;
      } catch (IOException e) {
        LOG.warn(
            "cannot watch {} for hashring changes ({}); relying on the periodic check",
            dir,
            e.toString());
      }
    }
    thread = new Thread(() -> run(onChange), "hashring-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Runnable onChange) {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // names do not matter, see the class comment; OVERFLOW also means "look"
        if (!key.reset()) {
          // Normal for a ConfigMap's old timestamped directory; only losing every watch matters.
          LOG.debug("watched directory {} is gone", key.watchable());
          if (--validKeys == 0) {
            LOG.warn(
                "no watched directory is left for the hashring file; relying on the periodic check");
          }
        }
        onChange.run();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
