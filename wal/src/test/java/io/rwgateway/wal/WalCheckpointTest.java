package io.rwgateway.wal;

import static io.rwgateway.wal.ReplayLog.concat;
import static io.rwgateway.wal.ReplayLog.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint, cycle deletion and replay order on one WAL, with a clock the test moves hour by hour.
 */
class WalCheckpointTest {
  static final int CP = CycleRecordHandler.CHECKPOINT;

  @TempDir Path dir;

  final MutableClock clock = new MutableClock(Instant.parse("2026-06-12T13:20:00Z"));
  final RecordEncoder enc = new RecordEncoder();
  @RegisterExtension final WalLogCapture walLog = new WalLogCapture();

  Wal open() throws IOException {
    return Wal.open(dir, WalOptions.defaults().withClock(clock));
  }

  void append(Wal wal, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      wal.append(WalTest.record(enc, i));
    }
    wal.sync();
  }

  /** A checkpoint source that adds the records with these markers. */
  CheckpointSource markers(int... markers) {
    return out -> {
      RecordEncoder e = new RecordEncoder();
      for (int m : markers) {
        out.add(WalTest.record(e, m));
      }
    };
  }

  static String cycleFileName(String hour) {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HH'F.cq4'")
        .withZone(ZoneOffset.UTC)
        .format(Instant.parse(hour));
  }

  List<String> messages(Level level) {
    return walLog.messages(level);
  }

  @Test
  void fourCyclesCheckpointDeleteTwoReplayAppendAndReopen() throws Exception {
    int c0 = clock.cycle();
    List<ReplayLog.Entry> expected;
    try (Wal wal = open()) {
      assertEquals(-1, wal.lastAppendCycle());
      assertArrayEquals(new int[0], wal.cycles());
      for (int c = 0; c < 4; c++) {
        append(wal, c * 10, c * 10 + 10);
        assertEquals(c0 + c, wal.lastAppendCycle());
        if (c < 3) {
          clock.advance(MutableClock.HOUR);
        }
      }
      assertArrayEquals(new int[] {c0, c0 + 1, c0 + 2, c0 + 3}, wal.cycles());
      // Our cycle numbers are Chronicle's: the first file is named after the clock's first hour.
      Path first = dir.resolve(cycleFileName("2026-06-12T13:00:00Z"));
      assertTrue(Files.exists(first), first.toString());
      assertEquals(Instant.parse("2026-06-12T13:00:00Z").toEpochMilli() / 3_600_000L, c0);
      long firstTwoBytes =
          Files.size(first) + Files.size(dir.resolve(cycleFileName("2026-06-12T14:00:00Z")));
      CheckpointResult cp = wal.writeCheckpoint(c0 + 2, markers(900, 901));
      assertEquals(2, cp.records());
      assertEquals(dir.resolve(CheckpointFiles.name(c0 + 2)), cp.file());
      assertTrue(Files.exists(cp.file()));
      assertEquals(String.format("checkpoint.%08d", c0 + 2), cp.file().getFileName().toString());

      TruncationResult t = wal.deleteCyclesBefore(c0 + 2);
      assertEquals(c0 + 2, t.keptFromCycle());
      assertEquals(2, t.cyclesDeleted());
      assertEquals(firstTwoBytes, t.cycleBytes());
      assertArrayEquals(new int[] {c0 + 2, c0 + 3}, wal.cycles());
      // Chronicle forgot the deleted cycles (its lowest cycle in metadata.cq4t was rescanned).
      assertEquals(c0 + 2, wal.chronicle().firstCycle());
      assertEquals(wal.chronicle().rollCycle().toIndex(c0 + 2, 0), wal.chronicle().firstIndex());

      expected = concat(run(CP, 900, 902), run(c0 + 2, 20, 30), run(c0 + 3, 30, 40));
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(expected, log.entries);
      assertEquals(2, log.result.checkpointRecords());
      assertEquals(22, log.result.records());
      assertEquals(0, log.result.corruptRecords());

      // Appends go on in the current cycle after the truncation.
      append(wal, 40, 45);
      assertEquals(c0 + 3, wal.lastAppendCycle());
      expected = concat(expected, run(c0 + 3, 40, 45));
      assertEquals(expected, ReplayLog.of(wal).entries);
    }
    List<String> info =
        messages(Level.INFO).stream().filter(m -> m.startsWith("WAL truncated")).toList();
    assertEquals(1, info.size(), info.toString());
    assertTrue(
        info.get(0).contains("2 records")
            && info.get(0).contains("2 cycle files below cycle " + (c0 + 2)),
        info.get(0));

    try (Wal wal = open()) {
      assertEquals(expected, ReplayLog.of(wal).entries);
      // The plain handler sees the same records in the same order.
      List<Integer> plain = WalTest.replayMarkers(wal, new ReplayResult[1]);
      assertEquals(expected.stream().map(ReplayLog.Entry::marker).toList(), plain);
      append(wal, 45, 47);
      assertEquals(concat(expected, run(c0 + 3, 45, 47)), ReplayLog.of(wal).entries);
    }
    assertEquals(List.of(), messages(Level.WARN));
  }

  @Test
  void aCorruptCheckpointRecordIsLoggedCountedAndSkipped() throws Exception {
    int c0 = clock.cycle();
    Path file;
    try (Wal wal = open()) {
      append(wal, 0, 3);
      clock.advance(MutableClock.HOUR);
      append(wal, 3, 5);
      file = wal.writeCheckpoint(c0 + 1, markers(900, 901, 902, 903)).file();
      wal.deleteCyclesBefore(c0 + 1);
    }
    byte[] m901 = WalTest.marker(901).getBytes(StandardCharsets.US_ASCII);
    WalFiles.flipByte(file, WalFiles.find(file, m901) + 3);

    try (Wal wal = open()) {
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(concat(run(CP, 900, 901), run(CP, 902, 904), run(c0 + 1, 3, 5)), log.entries);
      assertEquals(1, log.result.corruptRecords());
      assertEquals(3, log.result.checkpointRecords());
    }
    List<String> warnings = messages(Level.WARN);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).contains(file.getFileName().toString())
            && warnings.get(0).contains("CRC32C mismatch"),
        warnings.get(0));
  }

  @Test
  void aDamagedLengthInTheCheckpointCostsOnlyThatRecord() throws Exception {
    int c0 = clock.cycle();
    Path file;
    try (Wal wal = open()) {
      append(wal, 0, 2);
      file = wal.writeCheckpoint(c0, markers(900, 901, 902)).file();
    }
    // The length field of record 901: its framing sits right before its payload.
    ByteBuffer r901 = WalTest.record(new RecordEncoder(), 901);
    byte[] p901 = new byte[r901.remaining()];
    r901.get(p901);
    long payloadAt = WalFiles.find(file, p901);
    WalFiles.flipByte(file, payloadAt - 4 + 1); // payload_len, second byte: claims ~23 KB more

    try (Wal wal = open()) {
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(concat(run(CP, 900, 901), run(CP, 902, 903), run(c0, 0, 2)), log.entries);
      assertEquals(1, log.result.corruptRecords());
    }
  }

  @Test
  void aDamagedCheckpointHeaderIsCountedAndItsRecordsStillReplay() throws Exception {
    int c0 = clock.cycle();
    Path file;
    try (Wal wal = open()) {
      append(wal, 0, 2);
      file = wal.writeCheckpoint(c0, markers(900)).file();
    }
    WalFiles.flipByte(file, 9); // first kept cycle in the header
    try (Wal wal = open()) {
      ReplayLog log = ReplayLog.of(wal);
      assertEquals(concat(run(CP, 900, 901), run(c0, 0, 2)), log.entries);
      assertEquals(1, log.result.corruptRecords());
    }
    assertTrue(messages(Level.WARN).get(0).contains("header"), messages(Level.WARN).toString());
  }

  @Test
  void theCycleBeingAppendedToIsNeverDeleted() throws Exception {
    int c0 = clock.cycle();
    try (Wal wal = open()) {
      append(wal, 0, 3);
      // Without a checkpoint nothing replaces any cycle: nothing is deleted.
      TruncationResult none = wal.deleteCyclesBefore(Integer.MAX_VALUE);
      assertEquals(0, none.cyclesDeleted());
      assertArrayEquals(new int[] {c0}, wal.cycles());

      clock.advance(MutableClock.HOUR);
      append(wal, 3, 6);
      // A checkpoint cannot claim the cycle still being written: later records would be skipped.
      assertThrows(IllegalArgumentException.class, () -> wal.writeCheckpoint(c0 + 2, markers(900)));
      assertFalse(Files.exists(dir.resolve(CheckpointFiles.name(c0 + 2))));
      assertFalse(
          Files.exists(dir.resolve(CheckpointFiles.name(c0 + 2) + CheckpointFiles.TMP_SUFFIX)));
      wal.writeCheckpoint(c0 + 1, markers(900));
      assertThrows(
          IllegalArgumentException.class,
          () -> wal.writeCheckpoint(c0, markers(900)),
          "older than the newest");

      // The clock moves on but the writer has not appended yet: its cycle c0+1 stays.
      clock.advance(MutableClock.HOUR);
      TruncationResult t = wal.deleteCyclesBefore(Integer.MAX_VALUE);
      assertEquals(c0 + 1, t.keptFromCycle());
      assertEquals(1, t.cyclesDeleted());
      assertArrayEquals(new int[] {c0 + 1}, wal.cycles());
      append(wal, 6, 8);
      assertEquals(c0 + 2, wal.lastAppendCycle());
      assertEquals(
          concat(run(CP, 900, 901), run(c0 + 1, 3, 6), run(c0 + 2, 6, 8)),
          ReplayLog.of(wal).entries);
    }
  }

  @Test
  void deletionStopsAtTheNewestCheckpoint() throws Exception {
    int c0 = clock.cycle();
    try (Wal wal = open()) {
      for (int c = 0; c < 4; c++) {
        append(wal, c * 10, c * 10 + 10);
        clock.advance(MutableClock.HOUR);
      }
      wal.writeCheckpoint(c0 + 1, markers(900));
      // Cycles c0+1 and c0+2 are not replaced by any checkpoint: asking for more keeps them.
      TruncationResult t = wal.deleteCyclesBefore(c0 + 3);
      assertEquals(c0 + 1, t.keptFromCycle());
      assertEquals(1, t.cyclesDeleted());
      assertArrayEquals(new int[] {c0 + 1, c0 + 2, c0 + 3}, wal.cycles());
      assertEquals(
          concat(run(CP, 900, 901), run(c0 + 1, 10, 20), run(c0 + 2, 20, 30), run(c0 + 3, 30, 40)),
          ReplayLog.of(wal).entries);
    }
  }

  @Test
  void syncAfterTheRolledFromCycleWasDeletedSucceeds() throws Exception {
    int c0 = clock.cycle();
    try (Wal wal = open()) {
      wal.append(WalTest.record(enc, 0)); // not synced: the syncer still owes cycle c0 an fsync
      clock.advance(MutableClock.HOUR);
      wal.append(WalTest.record(enc, 1));
      wal.writeCheckpoint(c0 + 1, markers(900));
      assertEquals(1, wal.deleteCyclesBefore(c0 + 1).cyclesDeleted());
      wal.sync();
      assertFalse(wal.syncPending());
      assertEquals(concat(run(CP, 900, 901), run(c0 + 1, 1, 2)), ReplayLog.of(wal).entries);
    }
  }

  @Test
  void anAppendThatLandsBelowTheCheckpointIsRefused() throws Exception {
    int c0 = clock.cycle();
    try (Wal wal = open()) {
      append(wal, 0, 2);
      clock.advance(MutableClock.HOUR);
      append(wal, 2, 4);
      wal.writeCheckpoint(c0 + 1, markers(900));
      wal.deleteCyclesBefore(c0 + 1);
      // The wall clock steps back over the hour boundary: Chronicle would write into cycle c0,
      // which replay skips now, so the append must fail rather than be acknowledged.
      clock.advance(MutableClock.HOUR.negated());
      assertThrows(IOException.class, () -> wal.append(WalTest.record(enc, 50)));
      clock.advance(MutableClock.HOUR);
      append(wal, 4, 6);
      List<ReplayLog.Entry> expected = concat(run(CP, 900, 901), run(c0 + 1, 2, 6));
      assertEquals(expected, ReplayLog.of(wal).entries);
    }
    try (Wal wal = open()) {
      assertEquals(concat(run(CP, 900, 901), run(c0 + 1, 2, 6)), ReplayLog.of(wal).entries);
    }
  }

  @Test
  void optionsStayCompatible() {
    WalOptions o = new WalOptions(WalSyncMode.INTERVAL, Duration.ofMillis(5));
    assertEquals(Clock.systemUTC(), o.clock());
    assertEquals(WalOptions.defaults(), WalOptions.defaults().withClock(Clock.systemUTC()));
    List<String> names = new ArrayList<>();
    for (int c : new int[] {0, 7, 492_000, 123_456_789}) {
      names.add(CheckpointFiles.name(c));
      assertEquals(c, CheckpointFiles.parse(CheckpointFiles.name(c)));
    }
    assertEquals(
        List.of(
            "checkpoint.00000000",
            "checkpoint.00000007",
            "checkpoint.00492000",
            "checkpoint.123456789"),
        names);
    assertEquals(-1, CheckpointFiles.parse("checkpoint.00000007.tmp"));
    assertEquals(-1, CheckpointFiles.parse("checkpoint."));
    assertEquals(-1, CheckpointFiles.parse("checkpoint.99999999999"));
  }
}
