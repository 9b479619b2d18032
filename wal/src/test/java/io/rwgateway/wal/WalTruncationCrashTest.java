package io.rwgateway.wal;

import static io.rwgateway.wal.ReplayLog.concat;
import static io.rwgateway.wal.ReplayLog.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that dies at each step of a truncation: the directory it leaves behind must replay
 * exactly the checkpoint's records and the cycles that checkpoint did not replace, and the next
 * open finishes the truncation.
 */
class WalTruncationCrashTest {
  static final int CP = CycleRecordHandler.CHECKPOINT;

  @TempDir Path dir;

  final MutableClock clock = new MutableClock(Instant.parse("2026-06-12T22:05:00Z"));
  final int c0 = clock.cycle();
  final RecordEncoder enc = new RecordEncoder();
  @RegisterExtension final WalLogCapture walLog = new WalLogCapture();

  Wal open() throws IOException {
    return Wal.open(dir, WalOptions.defaults().withClock(clock));
  }

  /** Cycles c0 .. c0+n-1 with records 10*c .. 10*c+9 each; the WAL is left open. */
  Wal withCycles(int n) throws IOException {
    Wal wal = open();
    for (int c = 0; c < n; c++) {
      if (c > 0) {
        clock.advance(MutableClock.HOUR);
      }
      for (int i = c * 10; i < c * 10 + 10; i++) {
        wal.append(WalTest.record(enc, i));
      }
      wal.sync();
    }
    return wal;
  }

  static CheckpointSource markers(int... markers) {
    return out -> {
      RecordEncoder e = new RecordEncoder();
      for (int m : markers) {
        out.add(WalTest.record(e, m));
      }
    };
  }

  List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("metadata.cq4t"))
          .sorted()
          .toList();
    }
  }

  List<String> info(String prefix) {
    return walLog.messages(Level.INFO).stream().filter(m -> m.startsWith(prefix)).toList();
  }

  @Test
  void aCheckpointTemporaryLeftBehindIsIgnoredAndDeleted() throws Exception {
    try (Wal wal = withCycles(2)) {
      assertEquals(2, wal.cycles().length);
    }
    // Died while writing the checkpoint: a half-written temporary, no final name.
    Path tmp = dir.resolve(CheckpointFiles.name(c0 + 1) + CheckpointFiles.TMP_SUFFIX);
    Files.write(tmp, new byte[] {'R', 'W', 'C', 'P', 1, 0, 0});
    try (Wal wal = open()) {
      assertFalse(Files.exists(tmp));
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(concat(run(c0, 0, 10), run(c0 + 1, 10, 20)), log.entries);
      assertEquals(0, log.result.checkpointRecords());
      assertArrayEquals(new int[] {c0, c0 + 1}, wal.cycles());
    }
    List<String> lines = info("WAL in ");
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).contains("1 older or unfinished checkpoint files deleted"), lines.get(0));
  }

  @Test
  void aCheckpointWrittenButNoCycleDeletedHidesTheReplacedCycles() throws Exception {
    List<ReplayLog.Entry> expected =
        concat(run(CP, 900, 902), run(c0 + 2, 20, 30), run(c0 + 3, 30, 40));
    try (Wal wal = withCycles(4)) {
      wal.writeCheckpoint(c0 + 2, markers(900, 901));
      // Died here (before deleteCyclesBefore). Even this process must not replay c0, c0+1 again.
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(expected, log.entries);
      assertEquals(4, wal.cycles().length);
    }
    try (Wal wal = open()) {
      assertArrayEquals(
          new int[] {c0 + 2, c0 + 3}, wal.cycles(), "open deletes the replaced cycles");
      assertEquals(c0 + 2, wal.chronicle().firstCycle(), "and Chronicle forgets them");
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(expected, log.entries);
      assertEquals(22, log.result.records());
    }
    List<String> lines = info("WAL in ");
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(
        lines.get(0).contains("2 cycle files below checkpoint " + CheckpointFiles.name(c0 + 2)),
        lines.get(0));
  }

  @Test
  void onlySomeCyclesAndNoOlderCheckpointDeleted() throws Exception {
    try (Wal wal = withCycles(5)) {
      wal.writeCheckpoint(c0 + 1, markers(800));
      wal.deleteCyclesBefore(c0 + 1);
      // The in-memory form: a list of payloads.
      RecordEncoder e = new RecordEncoder();
      List<ByteBuffer> records = new ArrayList<>();
      for (int m = 900; m < 903; m++) {
        ByteBuffer r = WalTest.record(e, m);
        records.add(ByteBuffer.allocate(r.remaining()).put(r).flip());
      }
      assertEquals(3, wal.writeCheckpoint(c0 + 4, records).records());
    }
    // Died after deleting the oldest remaining cycle (c0+1) only: c0+2, c0+3 and the older
    // checkpoint are still there.
    Files.delete(dir.resolve(cycleFile(c0 + 1)));
    assertEquals(
        List.of(
            cycleFile(c0 + 2),
            cycleFile(c0 + 3),
            cycleFile(c0 + 4),
            CheckpointFiles.name(c0 + 1),
            CheckpointFiles.name(c0 + 4)),
        files());

    List<ReplayLog.Entry> expected = concat(run(CP, 900, 903), run(c0 + 4, 40, 50));
    try (Wal wal = open()) {
      assertEquals(List.of(cycleFile(c0 + 4), CheckpointFiles.name(c0 + 4)), files());
      assertEquals(expected, ReplayLog.of(wal).entries);
      clock.advance(MutableClock.HOUR);
      wal.append(WalTest.record(enc, 50));
      wal.sync();
      expected = concat(expected, run(c0 + 5, 50, 51));
      assertEquals(expected, ReplayLog.of(wal).entries);
    }
    try (Wal wal = open()) {
      assertEquals(expected, ReplayLog.of(wal).entries);
    }
  }

  @Test
  void aCheckpointWhoseSourceFailsLeavesNothingBehind() throws Exception {
    try (Wal wal = withCycles(2)) {
      IOException boom = new IOException("head went away");
      IOException thrown =
          Assertions.assertThrows(
              IOException.class,
              () ->
                  wal.writeCheckpoint(
                      c0 + 1,
                      out -> {
                        out.add(WalTest.record(new RecordEncoder(), 900));
                        throw boom;
                      }));
      assertEquals(boom, thrown);
      assertEquals(List.of(cycleFile(c0), cycleFile(c0 + 1)), files());
      assertEquals(concat(run(c0, 0, 10), run(c0 + 1, 10, 20)), ReplayLog.of(wal).entries);
      assertEquals(
          0, wal.deleteCyclesBefore(c0 + 1).cyclesDeleted(), "no checkpoint, nothing deleted");
    }
  }

  /** The file Chronicle names for a cycle of FAST_HOURLY: UTC hour, yyyyMMdd-HH'F'.cq4. */
  static String cycleFile(int cycle) {
    return WalCheckpointTest.cycleFileName(Instant.ofEpochMilli(cycle * 3_600_000L).toString());
  }
}
