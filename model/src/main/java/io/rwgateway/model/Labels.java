package io.rwgateway.model;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An immutable label set, sorted by name with unique names. Used on the read side and when a series
 * is first created; the ingest path works on {@link LabelBytes} instead.
 */
public final class Labels {
  public static final String METRIC_NAME = "__name__";
  public static final Labels EMPTY = new Labels(new String[0]);

  private final String[] nv; // name0, value0, name1, value1, ...

  private Labels(String[] nv) {
    this.nv = nv;
  }

  /** Alternating names and values, already sorted by name and unique. */
  public static Labels ofSorted(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of label strings");
    }
    return new Labels(nameValues.clone());
  }

  /** Alternating names and values in any order; sorted here. A later duplicate name wins. */
  public static Labels of(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of label strings");
    }
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], nameValues[i + 1]);
    }
    return fromMap(m);
  }

  public static Labels fromMap(Map<String, String> map) {
    TreeMap<String, String> sorted = new TreeMap<>(map);
    String[] nv = new String[sorted.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      nv[i++] = e.getKey();
      nv[i++] = e.getValue();
    }
    return new Labels(nv);
  }

  public int size() {
    return nv.length / 2;
  }

  public String name(int i) {
    return nv[2 * i];
  }

  public String value(int i) {
    return nv[2 * i + 1];
  }

  /** The value of {@code name}, or "" when absent (Prometheus treats both alike). */
  public String get(String name) {
    for (int i = 0; i < nv.length; i += 2) {
      int c = nv[i].compareTo(name);
      if (c == 0) {
        return nv[i + 1];
      }
      if (c > 0) {
        break;
      }
    }
    return "";
  }

  public void forEach(BiConsumer<String, String> f) {
    for (int i = 0; i < nv.length; i += 2) {
      f.accept(nv[i], nv[i + 1]);
    }
  }

  public byte[] toBytes() {
    return LabelBytes.encode(nv);
  }

  public Map<String, String> toMap() {
    TreeMap<String, String> m = new TreeMap<>();
    forEach(m::put);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels && Arrays.equals(nv, ((Labels) o).nv);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nv);
  }

  /** Prometheus' notation: {@code {__name__="up", job="x"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nv.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nv[i]).append("=\"");
      appendEscaped(sb, nv[i + 1]);
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static void appendEscaped(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\':
          sb.append("\\\\");
          break;
        case '"':
          sb.append("\\\"");
          break;
        case '\n':
          sb.append("\\n");
          break;
        default:
          sb.append(c);
      }
    }
  }
}
