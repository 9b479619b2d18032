package io.rwgateway.wal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: replays a WAL with the cycle-aware handler and keeps, for every record, where it
 * came from and the marker number of its series (see {@link WalTest#record}).
 */
final class ReplayLog {
  /**
   * One replayed record: its origin (a cycle or {@link CycleRecordHandler#CHECKPOINT}) and marker.
   */
  record Entry(int origin, int marker) {
    @Override
    public String toString() {
      return (origin == CycleRecordHandler.CHECKPOINT ? "cp" : "c" + origin) + ":" + marker;
    }
  }

  final List<Entry> entries = new ArrayList<>();
  ReplayResult result;

  static ReplayLog of(Wal wal) throws IOException {
    ReplayLog log = new ReplayLog();
    log.result =
        wal.replay(
            (payload, cycle) ->
                RecordDecoder.decode(
                    payload,
                    new Recorder() {
                      @Override
                      public void series(long ref, byte[] labels, int off, int len) {
                        assertTrue(
                            LabelBytes.decode(labels, off, len)
                                .toString()
                                .contains(WalTest.marker((int) ref)));
                        log.entries.add(new Entry(cycle, (int) ref));
                      }
                    }));
    return log;
  }

  /** Entries {@code from until to} (exclusive), all from {@code origin}. */
  static List<Entry> run(int origin, int from, int to) {
    List<Entry> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(new Entry(origin, i));
    }
    return l;
  }

  @SafeVarargs
  static List<Entry> concat(List<Entry>... parts) {
    List<Entry> all = new ArrayList<>();
    for (List<Entry> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
