package io.rwgateway.tsdb.head;

import io.rwgateway.wal.RecordVisitor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps what the appender logs, in order, and can play it back into another visitor (a replayer):
 * the WAL's contract without the files, for head-only tests.
 */
final class Recorder implements RecordVisitor {
  record Entry(String kind, long ref, long t, double v, byte[] bytes, int type) {}

  final List<Entry> entries = new ArrayList<>();

  /** Entries of the batch in progress; moved to {@link #entries} by {@link #commit}. */
  final List<Entry> pending = new ArrayList<>();

  @Override
  public void series(long ref, byte[] labels, int off, int len) {
    pending.add(new Entry("series", ref, 0, 0, Arrays.copyOfRange(labels, off, off + len), 0));
  }

  @Override
  public void sample(long ref, long t, double v) {
    pending.add(new Entry("sample", ref, t, v, null, 0));
  }

  @Override
  public void histogram(long ref, long t, byte[] proto, int off, int len) {
    pending.add(new Entry("histogram", ref, t, 0, Arrays.copyOfRange(proto, off, off + len), 0));
  }

  @Override
  public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    pending.add(new Entry("exemplar", ref, t, v, Arrays.copyOfRange(labels, off, off + len), 0));
  }

  @Override
  public void metadata(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen) {
    String joined =
        new String(b, nameOff, nameLen, StandardCharsets.UTF_8)
            + "\0"
            + new String(b, helpOff, helpLen, StandardCharsets.UTF_8)
            + "\0"
            + new String(b, unitOff, unitLen, StandardCharsets.UTF_8);
    pending.add(new Entry("metadata", 0, 0, 0, joined.getBytes(StandardCharsets.UTF_8), type));
  }

  /** The "WAL append" succeeded. */
  void commit() {
    entries.addAll(pending);
    pending.clear();
  }

  /** The "WAL append" failed. */
  void drop() {
    pending.clear();
  }

  long count(String kind) {
    return entries.stream().filter(e -> e.kind().equals(kind)).count();
  }

  void replayInto(RecordVisitor v) {
    for (Entry e : entries) {
      switch (e.kind()) {
        case "series" -> v.series(e.ref(), e.bytes(), 0, e.bytes().length);
        case "sample" -> v.sample(e.ref(), e.t(), e.v());
        case "histogram" -> v.histogram(e.ref(), e.t(), e.bytes(), 0, e.bytes().length);
        case "exemplar" -> v.exemplar(e.ref(), e.t(), e.v(), e.bytes(), 0, e.bytes().length);
        default -> {
          String[] p = new String(e.bytes(), StandardCharsets.UTF_8).split("\0", -1);
          byte[] n = p[0].getBytes(StandardCharsets.UTF_8);
          byte[] h = p[1].getBytes(StandardCharsets.UTF_8);
          byte[] u = p[2].getBytes(StandardCharsets.UTF_8);
          byte[] all = new byte[n.length + h.length + u.length];
          System.arraycopy(n, 0, all, 0, n.length);
          System.arraycopy(h, 0, all, n.length, h.length);
          System.arraycopy(u, 0, all, n.length + h.length, u.length);
          v.metadata(e.type(), all, 0, n.length, n.length, h.length, n.length + h.length, u.length);
        }
      }
    }
  }
}
