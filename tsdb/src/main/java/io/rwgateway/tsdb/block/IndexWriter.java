package io.rwgateway.tsdb.block;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Writes a block's {@code index} file in Prometheus' format v2 (layout: docs/format/index.md). Call
 * {@link #addSymbols} once, then {@link #addSeries} for each series in ascending {@link
 * LabelOrder#LABELS} order, then {@link #close}. Not thread-safe.
 *
 * <p>If any call throws, the file is incomplete: close the writer and delete the file.
 */
public final class IndexWriter implements Closeable {
  static final int MAGIC = 0xBAAAD700;
  static final int VERSION = 2;
  private static final int SERIES_ALIGN = 16;

  private final IndexOutput out;
  private final IndexEncoder entry = new IndexEncoder();
  private final PostingsBuilder postings = new PostingsBuilder();
  private final Map<String, Integer> symbolRefs = new HashMap<>();
  private final List<String> symbols = new ArrayList<>();
  private final IndexToc toc = new IndexToc();
  private int[] refs = new int[16]; // symbol refs of the series being added: name, value, ...
  private Labels lastSeries;
  private boolean symbolsWritten;
  private boolean closed;

  public IndexWriter(Path file) throws IOException {
    out = new IndexOutput(file);
    out.writeBE32(MAGIC);
    out.writeByte(VERSION);
  }

  /**
   * All label names and values of all series, each once. Any comparator is accepted: the strings
   * are re-sorted by UTF-8 bytes ({@link LabelOrder#UTF8}), which Java's natural String order is
   * not for characters beyond U+FFFF (see docs/format/index.md).
   */
  public void addSymbols(SortedSet<String> symbolSet) throws IOException {
    if (symbolsWritten) {
      throw new IllegalStateException("symbols already written");
    }
    List<String> sorted = new ArrayList<>(symbolSet);
    sorted.sort(LabelOrder.UTF8);
    writeSymbols(sorted);
  }

  private void writeSymbols(List<String> sorted) throws IOException {
    symbolsWritten = true;
    toc.symbols = out.position();
    out.writeBE32(0); // length, patched below
    out.startCrc();
    out.writeBE32(sorted.size());
    for (String s : sorted) {
      if (symbolRefs.putIfAbsent(s, symbols.size()) != null) {
        throw new IllegalArgumentException("duplicate symbol " + s);
      }
      symbols.add(s);
      writeString(s);
    }
    int crc = out.endCrc();
    out.patchBE32(toc.symbols, lengthSince(toc.symbols + 4));
    out.writeBE32(crc);
    toc.series = out.position();
  }

  /**
   * One series, strictly after the previous one in {@link LabelOrder#LABELS} order, with its chunks
   * sorted by time, not overlapping ({@code minTime > previous maxTime}) and with ascending refs.
   * Every name and value must have been passed to {@link #addSymbols}.
   */
  public void addSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
    if (!symbolsWritten) {
      throw new IllegalStateException("addSymbols must come before addSeries");
    }
    if (lastSeries != null && LabelOrder.compareLabels(labels, lastSeries) <= 0) {
      throw new IllegalArgumentException("series out of order: " + labels + " after " + lastSeries);
    }
    checkChunks(labels, chunks);
    // Resolve every symbol before writing anything, so a rejected series leaves no trace.
    if (refs.length < 2 * labels.size()) {
      refs = new int[2 * labels.size()];
    }
    for (int i = 0; i < labels.size(); i++) {
      refs[2 * i] = symbolRef(labels.name(i));
      refs[2 * i + 1] = symbolRef(labels.value(i));
    }
    out.pad(SERIES_ALIGN);
    long ref = out.position() / SERIES_ALIGN;
    if (ref > 0xFFFFFFFFL) {
      throw new IOException("index exceeds 64 GiB: series reference " + ref + " in " + out.file());
    }
    int seriesRef = (int) ref;
    entry.reset();
    entry.putUvarint(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      entry.putUvarint(refs[2 * i]);
      entry.putUvarint(refs[2 * i + 1]);
      postings.add(refs[2 * i], refs[2 * i + 1], seriesRef);
    }
    entry.putUvarint(chunks.size());
    ChunkMeta prev = null;
    for (ChunkMeta c : chunks) {
      if (prev == null) {
        entry.putVarint(c.minTime());
        entry.putUvarint(c.maxTime() - c.minTime());
        entry.putUvarint(c.ref());
      } else {
        entry.putUvarint(c.minTime() - prev.maxTime());
        entry.putUvarint(c.maxTime() - c.minTime());
        entry.putVarint(c.ref() - prev.ref());
      }
      prev = c;
    }
    out.writeUvarint(entry.length());
    out.write(entry.array(), 0, entry.length());
    out.writeBE32(entry.crc());
    postings.addSeries(seriesRef);
    lastSeries = labels;
  }

  private static void checkChunks(Labels labels, List<ChunkMeta> chunks) {
    ChunkMeta prev = null;
    for (ChunkMeta c : chunks) {
      if (c.maxTime() < c.minTime()) {
        throw new IllegalArgumentException("chunk maxTime < minTime in " + labels + ": " + c);
      }
      if (prev != null && (c.minTime() <= prev.maxTime() || c.ref() < prev.ref())) {
        throw new IllegalArgumentException(
            "chunks overlap or unsorted in " + labels + ": " + prev + " then " + c);
      }
      prev = c;
    }
  }

  private int symbolRef(String s) {
    Integer ref = symbolRefs.get(s);
    if (ref == null) {
      throw new IllegalArgumentException("not in the symbol table: \"" + s + "\"");
    }
    return ref;
  }

  /** Writes label indices, postings, both offset tables and the TOC, then fsyncs the file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean ok = false;
    try {
      if (!symbolsWritten) {
        writeSymbols(List.of());
      }
      new IndexTail(out, toc, postings, symbols).write();
      out.finish();
      ok = true;
    } finally {
      if (!ok) {
        out.close();
      }
    }
  }

  private void writeString(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeUvarint(b.length);
    out.write(b, 0, b.length);
  }

  private int lengthSince(long start) throws IOException {
    long len = out.position() - start;
    if (len > 0xFFFFFFFFL) {
      throw new IOException("index section over 4 GiB in " + out.file());
    }
    return (int) len;
  }
}
