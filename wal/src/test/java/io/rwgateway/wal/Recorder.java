package io.rwgateway.wal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test visitor: renders every entry as one comparable line (doubles as raw bits). */
class Recorder implements RecordVisitor {
  final List<String> lines = new ArrayList<>();

  static String hex(byte[] b, int off, int len) {
    return HexFormat.of().formatHex(b, off, off + len);
  }

  static String seriesLine(long ref, byte[] labels) {
    return "series " + ref + " " + hex(labels, 0, labels.length);
  }

  static String sampleLine(long ref, long t, double v) {
    return "sample " + ref + " " + t + " " + Long.toHexString(Double.doubleToRawLongBits(v));
  }

  static String histogramLine(long ref, long t, byte[] proto) {
    return "histogram " + ref + " " + t + " " + hex(proto, 0, proto.length);
  }

  static String exemplarLine(long ref, long t, double v, byte[] labels) {
    return "exemplar "
        + ref
        + " "
        + t
        + " "
        + Long.toHexString(Double.doubleToRawLongBits(v))
        + " "
        + hex(labels, 0, labels.length);
  }

  static String metadataLine(int type, byte[] name, byte[] help, byte[] unit) {
    return "metadata "
        + type
        + " "
        + hex(name, 0, name.length)
        + " "
        + hex(help, 0, help.length)
        + " "
        + hex(unit, 0, unit.length);
  }

  @Override
  public void series(long ref, byte[] labels, int off, int len) {
    lines.add("series " + ref + " " + hex(labels, off, len));
  }

  @Override
  public void sample(long ref, long t, double v) {
    lines.add(sampleLine(ref, t, v));
  }

  @Override
  public void histogram(long ref, long t, byte[] proto, int off, int len) {
    lines.add("histogram " + ref + " " + t + " " + hex(proto, off, len));
  }

  @Override
  public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    lines.add(
        "exemplar "
            + ref
            + " "
            + t
            + " "
            + Long.toHexString(Double.doubleToRawLongBits(v))
            + " "
            + hex(labels, off, len));
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
    lines.add(
        "metadata "
            + type
            + " "
            + hex(b, nameOff, nameLen)
            + " "
            + hex(b, helpOff, helpLen)
            + " "
            + hex(b, unitOff, unitLen));
  }
}
