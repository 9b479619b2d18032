package io.rwgateway.wal;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a cycle file whose last excerpt was torn by a machine crash appendable again without hiding
 * what is appended next.
 *
 * <p>NOTE: Chronicle keeps the position of the last excerpt in the file's header page. After a
 * machine crash that page can reach the disk while the page holding the excerpt's own 4-byte header
 * does not (zero), or the excerpt's header can be left "not complete" by a writer that died
 * mid-write. Either way Chronicle's tailer stops at that header, while a new appender writes past
 * it: records appended after a restart would be invisible to the next replay. We turn such a header
 * into a complete metadata header (which tailers step over), so the next excerpt is found. Only the
 * last cycle file can be torn: earlier ones were finished before the appender rolled.
 */
final class TornTailRepair {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private TornTailRepair() {}

  /** Returns the number of headers repaired (0 or 1 normally). */
  static int repair(SingleChronicleQueue queue, Path dir) {
    int cycle = queue.lastCycle();
    if (cycle < 0) {
      return 0;
    }
    SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
    if (store == null) {
      return 0;
    }
    int repaired = 0;
    try (MappedBytes bytes = store.bytes()) {
      long pos = store.writePosition();
      // The excerpt at pos is the last one Chronicle considers complete; the one after it is
      // where a torn, never-completed write would be.
      for (int step = 0; step < 2 && pos + 4 <= bytes.capacity(); step++) {
        int header = bytes.readVolatileInt(pos);
        if (header == Wires.NOT_INITIALIZED) {
          if (step == 0) {
            bytes.compareAndSwapInt(pos, header, Wires.META_DATA);
            warn(dir, store, pos, "zeroed excerpt header");
            repaired++;
          }
          break;
        }
        if (Wires.isNotComplete(header)) {
          int len = header & Wires.LENGTH_MASK;
          bytes.compareAndSwapInt(pos, header, Wires.META_DATA | len);
          warn(dir, store, pos, "excerpt header left not complete (" + len + " bytes)");
          repaired++;
          break;
        }
        pos += 4 + (header & Wires.LENGTH_MASK);
      }
    } finally {
      queue.closeStore(store);
    }
    return repaired;
  }

  private static void warn(Path dir, SingleChronicleQueueStore store, long pos, String what) {
    LOG.warn(
        "WAL torn tail repaired: file={} position={} in {}: {}; the excerpt there is skipped on replay",
        store.file().getName(),
        pos,
        dir,
        what);
  }
}
