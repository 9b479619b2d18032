package io.rwgateway.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and cycle deletions on one thread while another appends (and rolls into new cycles)
 * and a third syncs: no append or sync fails, and replay returns the last checkpoint plus every
 * record appended in a cycle it did not replace, each exactly once and in order.
 */
class WalTruncationConcurrencyTest {
  static final int CHECKPOINT_MARKER = 10_000_000;

  @TempDir Path dir;

  @Test
  void truncatingWhileAppendingAndSyncingLosesNothing() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-12T08:00:00Z"));
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Integer> landed = new ArrayList<>(); // cycle of record i; writer thread only until joined
    int rounds = 12;
    int lastFloor = -1;
    int lastCheckpoint = -1;
    int deletedTotal = 0;
    List<ReplayLog.Entry> expected = new ArrayList<>();
    try (Wal wal = Wal.open(dir, WalOptions.defaults().withClock(clock))) {
      Thread writer =
          new Thread(
              () -> {
                RecordEncoder enc = new RecordEncoder();
                try {
                  for (int i = 0; !stop.get(); i++) {
                    wal.append(WalTest.record(enc, i));
                    landed.add(wal.lastAppendCycle());
                    if ((i & 15) == 15) {
                      wal.sync();
                    }
                  }
                  wal.sync();
                } catch (Throwable t) {
                  errors.add(t);
                }
              },
              "test-writer");
      Thread syncer =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    wal.sync();
                  }
                } catch (Throwable t) {
                  errors.add(t);
                }
              },
              "test-syncer");
      writer.start();
      syncer.start();
      while (wal.lastAppendCycle() < 0) {
        Thread.onSpinWait();
      }
      for (int k = 0; k < rounds && errors.isEmpty(); k++) {
        Thread.sleep(15);
        clock.advance(MutableClock.HOUR);
        if ((k & 1) == 0) {
          // Let the writer reach the new cycle, then replace everything before it: the cycle it
          // has just left is deleted while it appends and syncs.
          int target = clock.cycle();
          while (wal.lastAppendCycle() != target && errors.isEmpty()) {
            Thread.onSpinWait();
          }
        }
        // Odd rounds race the roll: the writer may still be in the old cycle or entering the new.
        int floor = wal.lastAppendCycle();
        int marker = CHECKPOINT_MARKER + k;
        wal.writeCheckpoint(floor, out -> out.add(WalTest.record(new RecordEncoder(), marker)));
        TruncationResult t = wal.deleteCyclesBefore(floor);
        assertTrue(t.keptFromCycle() <= floor, t.toString());
        deletedTotal += t.cyclesDeleted();
        lastFloor = floor;
        lastCheckpoint = marker;
      }
      stop.set(true);
      writer.join();
      syncer.join();
      assertEquals(List.of(), errors);
      assertTrue(deletedTotal >= rounds / 2, "cycles were deleted: " + deletedTotal);
      assertTrue(wal.cycles()[0] >= lastFloor);

      expected.add(new ReplayLog.Entry(CycleRecordHandler.CHECKPOINT, lastCheckpoint));
      for (int i = 0; i < landed.size(); i++) {
        if (landed.get(i) >= lastFloor) {
          expected.add(new ReplayLog.Entry(landed.get(i), i));
        }
      }
      assertTrue(expected.size() > 1, "records were appended after the last checkpoint");
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(0, log.result.corruptRecords());
      assertEquals(expected.size(), log.entries.size());
      assertEquals(expected, log.entries);
    }
    try (Wal again = Wal.open(dir, WalOptions.defaults().withClock(clock))) {
      assertEquals(expected, ReplayLog.of(again).entries);
    }
  }
}
