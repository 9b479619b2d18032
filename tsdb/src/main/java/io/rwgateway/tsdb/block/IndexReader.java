package io.rwgateway.tsdb.block;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.postings.PostingsIndex;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads an index in format v2, as written by {@link IndexWriter} or by Prometheus 2.x. The file is
 * memory-mapped; {@link #open} checks magic, version and the CRC32C of every section and entry, and
 * keeps symbols, the postings offset table and the list of series references on the heap. Series
 * and postings are decoded from the mapping on each call. Thread-safe after open.
 *
 * <p>Limit: files up to 2 GiB (one mapping); larger ones are refused with a clear error.
 */
public final class IndexReader implements Closeable, PostingsIndex {
  private final Path file;
  private final ByteBuffer b;
  private final List<String> symbols;

  /** name -> value -> offset of its postings list, both in file (byte) order; "" is all series. */
  private final Map<String, Map<String, Long>> postingsTable;

  private final long[] seriesRefs; // ascending

  private IndexReader(
      Path file,
      ByteBuffer b,
      List<String> symbols,
      Map<String, Map<String, Long>> postingsTable,
      long[] seriesRefs) {
    this.file = file;
    this.b = b;
    this.symbols = symbols;
    this.postingsTable = postingsTable;
    this.seriesRefs = seriesRefs;
  }

  public static IndexReader open(Path file) throws IOException {
    ByteBuffer b;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IndexFormatException(
            file, 0, "index of " + size + " bytes: over 2 GiB is not supported");
      }
      b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    IndexVerifier v = new IndexVerifier(file, b);
    v.verify();
    return new IndexReader(file, b, v.symbols(), v.postingsTable(), v.seriesRefs());
  }

  public Path file() {
    return file;
  }

  /** All symbols in table order (UTF-8 byte order). */
  public List<String> symbols() {
    return symbols;
  }

  /** Label names that occur in some series, in byte order. */
  public List<String> labelNames() {
    List<String> names = new ArrayList<>(postingsTable.size());
    for (String n : postingsTable.keySet()) {
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return names;
  }

  /** Values of {@code name} in byte order; empty when the name does not occur. */
  @Override
  public List<String> labelValues(String name) {
    Map<String, Long> values = postingsTable.get(name);
    return values == null ? List.of() : List.copyOf(values.keySet());
  }

  /**
   * Series references carrying the pair, ascending; {@code postings("", "")} is every series. Empty
   * when the pair does not occur.
   */
  @Override
  public long[] postings(String name, String value) {
    Map<String, Long> values = postingsTable.get(name);
    Long off = values == null ? null : values.get(value);
    if (off == null) {
      return new long[0];
    }
    int at = (int) (long) off;
    int count = b.getInt(at + 4);
    long[] refs = new long[count];
    for (int i = 0; i < count; i++) {
      refs[i] = Integer.toUnsignedLong(b.getInt(at + 8 + 4 * i));
    }
    return refs;
  }

  /** Every series reference, ascending (the same as {@code postings("", "")}). */
  @Override
  public long[] seriesRefs() {
    return seriesRefs.clone();
  }

  public Labels seriesLabels(long ref) {
    IndexDecoder d = entry(ref);
    return readLabels(d);
  }

  public List<ChunkMeta> seriesChunks(long ref) {
    IndexDecoder d = entry(ref);
    int n = d.uvarintInt();
    for (int i = 0; i < 2 * n; i++) {
      d.uvarint();
    }
    return IndexVerifier.readChunks(d);
  }

  /** Labels and chunk metas of one series, decoded in one pass over its entry. */
  public IndexSeries series(long ref) {
    IndexDecoder d = entry(ref);
    Labels labels = readLabels(d);
    return new IndexSeries(ref, labels, IndexVerifier.readChunks(d));
  }

  /**
   * Whether the series has a chunk whose [minTime, maxTime] overlaps [mint, maxt] (both inclusive).
   * Decodes only the chunk metas, not the label strings.
   */
  public boolean hasChunkIn(long ref, long mint, long maxt) {
    IndexDecoder d = entry(ref);
    int n = d.uvarintInt();
    for (int i = 0; i < 2 * n; i++) {
      d.uvarint();
    }
    int chunks = d.uvarintInt();
    long cmax = 0;
    for (int i = 0; i < chunks; i++) {
      long cmin = i == 0 ? d.varint() : cmax + d.uvarint();
      cmax = cmin + d.uvarint();
      if (cmin > maxt) {
        return false; // chunks are in time order: no later one can overlap
      }
      if (cmax >= mint) {
        return true;
      }
      d.uvarint(); // the ref (delta), not needed here
    }
    return false;
  }

  private IndexDecoder entry(long ref) {
    if (Arrays.binarySearch(seriesRefs, ref) < 0) {
      throw new IllegalArgumentException("no series with reference " + ref + " in " + file);
    }
    int at = (int) (ref * 16);
    IndexDecoder d = new IndexDecoder(b, at, b.limit());
    int len = d.uvarintInt();
    return new IndexDecoder(b, d.position(), d.position() + len);
  }

  private Labels readLabels(IndexDecoder d) {
    int n = d.uvarintInt();
    String[] nv = new String[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      nv[i] = symbol(d.uvarintInt());
    }
    return Labels.ofSorted(nv);
  }

  private String symbol(int ref) {
    if (ref >= symbols.size()) {
      throw new IllegalArgumentException("symbol reference " + ref + " out of range in " + file);
    }
    return symbols.get(ref);
  }

  /**
   * Nothing to release eagerly: the file channel is already closed and the mapping is freed when
   * this reader is garbage collected. NOTE: Java 17 has no supported way to unmap a buffer, so a
   * deleted block's index keeps its disk space until then.
   */
  @Override
  public void close() {}
}
