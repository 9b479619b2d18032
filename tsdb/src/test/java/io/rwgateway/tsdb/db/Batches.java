package io.rwgateway.tsdb.db;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import java.nio.charset.StandardCharsets;

/** Builds {@link WriteBatch}es the way the ingest decoder fills them. */
public final class Batches {
  private Batches() {}

  /** Starts a series with these labels (sorted here) and returns its index. */
  public static int series(WriteBatch b, Labels labels) {
    byte[] l = LabelBytes.encode(flat(labels));
    int off = b.reserveBytes(l.length);
    System.arraycopy(l, 0, b.bytes, off, l.length);
    return b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
  }

  public static int series(WriteBatch b, String... nameValues) {
    return series(b, Labels.of(nameValues));
  }

  /** Adds float samples (t0, v0, t1, v1, ...) to the current series. */
  public static void samples(WriteBatch b, double... tv) {
    for (int i = 0; i < tv.length; i += 2) {
      b.addSample((long) tv[i], tv[i + 1]);
    }
  }

  public static void histogram(WriteBatch b, long t, byte[] proto) {
    int off = b.reserveBytes(proto.length);
    System.arraycopy(proto, 0, b.bytes, off, proto.length);
    b.addHistogram(t, off, proto.length);
  }

  public static void exemplar(WriteBatch b, long t, double v, String... labels) {
    byte[] l = LabelBytes.encode(flat(Labels.of(labels)));
    int off = b.reserveBytes(l.length);
    System.arraycopy(l, 0, b.bytes, off, l.length);
    b.addExemplar(t, v, off, l.length);
  }

  public static void metadata(WriteBatch b, int type, String name, String help, String unit) {
    int n = put(b, name);
    int h = put(b, help);
    int u = put(b, unit);
    b.addMetadata(type, n, utf8(name).length, h, utf8(help).length, u, utf8(unit).length);
  }

  private static int put(WriteBatch b, String s) {
    byte[] x = utf8(s);
    int off = b.reserveBytes(x.length);
    System.arraycopy(x, 0, b.bytes, off, x.length);
    return off;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] flat(Labels l) {
    String[] nv = new String[l.size() * 2];
    for (int i = 0; i < l.size(); i++) {
      nv[2 * i] = l.name(i);
      nv[2 * i + 1] = l.value(i);
    }
    return nv;
  }
}
