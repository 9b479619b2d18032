package io.rwgateway.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.rwgateway.model.LabelBytes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
  @TempDir Path dir;

  @RegisterExtension final WalLogCapture walLog = new WalLogCapture();

  /** Record {@code i}: one series whose label value is a searchable marker, and three samples. */
  static ByteBuffer record(RecordEncoder enc, int i) {
    enc.reset();
    byte[] labels = LabelBytes.encode("__name__", "m", "marker", marker(i));
    enc.addSeries(i, labels, 0, labels.length);
    for (int j = 0; j < 3; j++) {
      enc.addSample(i, 1_700_000_000_000L + j * 15_000L, i + j / 10.0);
    }
    return enc.finish();
  }

  static String marker(int i) {
    return String.format("record-%06d-marker", i);
  }

  /** Replays and returns the marker number of every record seen, in order. */
  static List<Integer> replayMarkers(Wal wal, ReplayResult[] result) throws IOException {
    List<Integer> seen = new ArrayList<>();
    result[0] =
        wal.replay(
            payload -> {
              RecordDecoder.decode(
                  payload,
                  new Recorder() {
                    @Override
                    public void series(long ref, byte[] labels, int off, int len) {
                      seen.add((int) ref);
                      assertTrue(
                          LabelBytes.decode(labels, off, len)
                              .toString()
                              .contains(marker((int) ref)));
                    }
                  });
            });
    return seen;
  }

  static List<Integer> range(int from, int to) {
    List<Integer> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  private void write(int from, int to, WalOptions options) throws IOException {
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(dir, options)) {
      for (int i = from; i < to; i++) {
        wal.append(record(enc, i));
      }
      wal.sync();
    }
  }

  private List<String> warnings() {
    return walLog.messages(Level.WARN);
  }

  @Test
  void appendReopenAndReplayOnNewAndExistingDirectories() throws Exception {
    Path fresh = dir.resolve("not/yet/there");
    try (Wal wal = Wal.open(fresh, WalOptions.defaults())) {
      assertEquals(fresh, wal.dir());
      ReplayResult[] r = new ReplayResult[1];
      assertEquals(List.of(), replayMarkers(wal, r));
      assertEquals(new ReplayResult(0, 0, 0, r[0].durationNanos()), r[0]);
    }
    write(0, 100, WalOptions.defaults());
    ReplayResult[] r = new ReplayResult[1];
    RecordEncoder enc = new RecordEncoder();
    long expectedBytes = 0;
    for (int i = 0; i < 110; i++) {
      expectedBytes += record(enc, i).remaining();
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(range(0, 100), replayMarkers(wal, r));
      for (int i = 100; i < 110; i++) {
        wal.append(record(enc, i));
      }
      wal.sync();
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(range(0, 110), replayMarkers(wal, r));
      assertEquals(110, r[0].records());
      assertEquals(expectedBytes, r[0].bytes());
      assertEquals(0, r[0].corruptRecords());
    }
    assertTrue(
        walLog.messages(Level.INFO).stream().anyMatch(m -> m.contains("110 records")),
        "replay summary is logged at INFO");
  }

  @Test
  void aCorruptedPayloadByteIsLoggedSkippedAndLaterRecordsSurvive() throws Exception {
    write(0, 5, WalOptions.defaults());
    Path file = WalFiles.onlyCycleFile(dir);
    long at = WalFiles.find(file, marker(2).getBytes(StandardCharsets.US_ASCII));
    WalFiles.flipByte(file, at + 4);

    ReplayResult[] r = new ReplayResult[1];
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 3, 4), replayMarkers(wal, r));
    }
    assertEquals(4, r[0].records());
    assertEquals(1, r[0].corruptRecords());
    List<String> warnings = warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    assertTrue(
        w.contains(file.getFileName().toString())
            && w.contains("index=0x")
            && w.contains("CRC32C mismatch"),
        w);
  }

  @Test
  void aZeroedLastRecordIsCountedAndTheWalStaysWritable() throws Exception {
    write(0, 4, WalOptions.defaults());
    Path file = WalFiles.onlyCycleFile(dir);
    RecordEncoder enc = new RecordEncoder();
    ByteBuffer last = record(enc, 3);
    byte[] payload = new byte[last.remaining()];
    last.get(payload);
    long payloadAt = WalFiles.find(file, payload);
    // Our framing and payload are gone; Chronicle's excerpt header survived (a torn write).
    WalFiles.zero(
        file, payloadAt - RecordFraming.HEADER_BYTES, payload.length + RecordFraming.OVERHEAD);

    ReplayResult[] r = new ReplayResult[1];
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 2), replayMarkers(wal, r));
      assertEquals(1, r[0].corruptRecords());
      wal.append(record(enc, 4));
      wal.sync();
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 2, 4), replayMarkers(wal, r));
      assertEquals(1, r[0].corruptRecords());
    }
    assertTrue(warnings().get(0).contains("torn record"), warnings().toString());
  }

  @Test
  void aTornTailWithoutChronicleHeaderEndsReplayCleanly() throws Exception {
    write(0, 4, WalOptions.defaults());
    Path file = WalFiles.onlyCycleFile(dir);
    RecordEncoder enc = new RecordEncoder();
    ByteBuffer last = record(enc, 3);
    byte[] payload = new byte[last.remaining()];
    last.get(payload);
    long payloadAt = WalFiles.find(file, payload);
    // The whole excerpt, Chronicle's 4-byte header included, never reached the disk.
    WalFiles.zero(
        file,
        payloadAt - RecordFraming.HEADER_BYTES - 4,
        payload.length + RecordFraming.OVERHEAD + 4);

    ReplayResult[] r = new ReplayResult[1];
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 2), replayMarkers(wal, r));
      assertEquals(0, r[0].corruptRecords());
      wal.append(record(enc, 4));
      wal.sync();
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(
          List.of(0, 1, 2, 4),
          replayMarkers(wal, r),
          "a record appended after the torn tail is replayed");
      assertEquals(0, r[0].corruptRecords());
    }
    assertTrue(
        warnings().stream().anyMatch(w -> w.contains("torn tail repaired") && w.contains("zeroed")),
        warnings().toString());
  }

  @Test
  void anExcerptLeftNotCompleteBySomeoneWhoDiedIsSkipped() throws Exception {
    write(0, 4, WalOptions.defaults());
    Path file = WalFiles.onlyCycleFile(dir);
    RecordEncoder enc = new RecordEncoder();
    ByteBuffer last = record(enc, 3);
    byte[] payload = new byte[last.remaining()];
    last.get(payload);
    long headerAt = WalFiles.find(file, payload) - RecordFraming.HEADER_BYTES - 4;
    // Set Chronicle's "not complete" bit on the last excerpt, as a writer killed mid-write leaves
    // it.
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(headerAt + 3);
      int top = f.read();
      f.seek(headerAt + 3);
      f.write(top | 0x80);
    }
    ReplayResult[] r = new ReplayResult[1];
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 2), replayMarkers(wal, r));
      wal.append(record(enc, 4));
      wal.sync();
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1, 2, 4), replayMarkers(wal, r));
    }
    assertTrue(
        warnings().stream().anyMatch(w -> w.contains("not complete")), warnings().toString());
  }

  @Test
  void batchSyncClearsPendingAndIsSafeFromManyThreads() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(dir, new WalOptions(WalSyncMode.BATCH, Duration.ofSeconds(1)))) {
      assertFalse(wal.syncPending());
      wal.sync(); // nothing to do
      wal.append(record(enc, 0));
      assertTrue(wal.syncPending());
      wal.sync();
      assertFalse(wal.syncPending());

      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      Thread[] syncers = new Thread[4];
      final boolean[] stop = {false};
      for (int t = 0; t < syncers.length; t++) {
        syncers[t] =
            new Thread(
                () -> {
                  try {
                    while (!stopped(stop)) {
                      wal.sync();
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                });
        syncers[t].start();
      }
      for (int i = 1; i < 5_000; i++) {
        wal.append(record(enc, i));
      }
      synchronized (stop) {
        stop[0] = true;
      }
      for (Thread t : syncers) {
        t.join();
      }
      assertEquals(List.of(), errors);
      wal.sync();
      assertFalse(wal.syncPending());
      ReplayResult[] r = new ReplayResult[1];
      assertEquals(range(0, 5_000), replayMarkers(wal, r));
    }
  }

  private static boolean stopped(boolean[] stop) {
    synchronized (stop) {
      return stop[0];
    }
  }

  @Test
  void intervalModeSyncsOnItsOwn() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(dir, new WalOptions(WalSyncMode.INTERVAL, Duration.ofMillis(20)))) {
      wal.append(record(enc, 0));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (wal.syncPending() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(wal.syncPending(), "the interval syncer should have synced");
      wal.append(record(enc, 1));
    }
    ReplayResult[] r = new ReplayResult[1];
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      assertEquals(List.of(0, 1), replayMarkers(wal, r));
    }
  }

  @Test
  void closedAndOversizedAndHandlerFailures() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    Wal wal = Wal.open(dir, WalOptions.defaults());
    assertThrows(
        IOException.class, () -> wal.append(ByteBuffer.allocate(Wal.MAX_PAYLOAD_BYTES + 1)));
    wal.append(record(enc, 0));
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                wal.replay(
                    p -> {
                      throw boom;
                    })));
    IOException wrapped =
        assertThrows(
            IOException.class,
            () ->
                wal.replay(
                    p -> {
                      throw new Exception("checked");
                    }));
    assertEquals("checked", wrapped.getCause().getMessage());
    wal.close();
    wal.close();
    assertThrows(IOException.class, () -> wal.append(record(enc, 1)));
    assertThrows(IOException.class, wal::sync);
  }

  @Test
  void appendsFromAnotherThreadThanOpenWork() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      Throwable[] err = new Throwable[1];
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    wal.append(record(enc, i));
                  }
                  wal.sync();
                } catch (Throwable t) {
                  err[0] = t;
                }
              });
      writer.start();
      writer.join();
      assertEquals(null, err[0]);
      ReplayResult[] r = new ReplayResult[1];
      assertEquals(range(0, 10), replayMarkers(wal, r));
    }
  }

  @Test
  void replayReadsTheLargerRecordsOfWalsWrittenWith16MiBChunks() throws IOException {
    // As the WAL wrote before its chunks went to 4 MiB: 16 MiB chunks, a 3 MiB record (now over
    // Wal.MAX_PAYLOAD_BYTES) between two small ones.
    RecordEncoder enc = new RecordEncoder();
    byte[] header = new byte[RecordFraming.HEADER_BYTES];
    CRC32C crc = new CRC32C();
    try (SingleChronicleQueue q =
        SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(RollCycles.FAST_HOURLY)
            .blockSize(16L << 20)
            .build()) {
      ExcerptAppender a = q.createAppender();
      for (int i = 0; i < 3; i++) {
        ByteBuffer payload;
        if (i == 1) {
          enc.reset();
          byte[] labels =
              LabelBytes.encode("__name__", "m", "marker", marker(i), "pad", "x".repeat(3 << 20));
          enc.addSeries(i, labels, 0, labels.length);
          payload = enc.finish();
          assertTrue(payload.remaining() > Wal.MAX_PAYLOAD_BYTES);
        } else {
          payload = record(enc, i);
        }
        RecordFraming.writeHeader(header, payload.remaining());
        int checksum = RecordFraming.checksum(header, payload, crc);
        byte[] body = new byte[payload.remaining()];
        payload.get(body);
        try (DocumentContext dc = a.writingDocument()) {
          dc.wire().bytes().write(header, 0, header.length);
          dc.wire().bytes().write(body);
          dc.wire().bytes().writeInt(checksum);
        }
      }
    }
    try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
      ReplayResult[] r = new ReplayResult[1];
      assertEquals(List.of(0, 1, 2), replayMarkers(wal, r));
      assertEquals(List.of(), warnings());
    }
  }
}
