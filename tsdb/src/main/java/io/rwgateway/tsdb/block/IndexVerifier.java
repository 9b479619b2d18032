package io.rwgateway.tsdb.block;

import io.rwgateway.model.LabelOrder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Checks a whole mapped index once, when it is opened: header, TOC, and the CRC32C and structure of
 * every section and entry. What it parses on the way (symbols, postings offset table, series
 * references) becomes the reader's in-memory state, so nothing is parsed twice.
 */
final class IndexVerifier {
  private static final int HEADER = 5;

  private final Path file;
  private final ByteBuffer b;
  private final int size;
  private final List<String> symbols = new ArrayList<>();
  private final Map<String, Map<String, Long>> postingsTable = new LinkedHashMap<>();
  private long[] seriesRefs = new long[0];
  private long at; // offset of what is being checked, for the error message

  IndexVerifier(Path file, ByteBuffer b) {
    this.file = file;
    this.b = b;
    this.size = b.limit();
  }

  List<String> symbols() {
    return List.copyOf(symbols);
  }

  Map<String, Map<String, Long>> postingsTable() {
    return postingsTable;
  }

  long[] seriesRefs() {
    return seriesRefs;
  }

  void verify() throws IndexFormatException {
    if (size < HEADER + IndexToc.SIZE) {
      throw fail("file of " + size + " bytes is too short for an index");
    }
    if (b.getInt(0) != IndexWriter.MAGIC) {
      throw fail(String.format("bad magic 0x%08x", b.getInt(0)));
    }
    at = 4;
    if (b.get(4) != IndexWriter.VERSION) {
      throw fail("unsupported index version " + b.get(4) + " (only 2 is read)");
    }
    at = size - IndexToc.SIZE;
    IndexToc toc = IndexToc.read(b);
    if (toc == null) {
      throw fail("TOC checksum mismatch");
    }
    try {
      readSymbols(toc.symbols);
      long seriesEnd = toc.labelIndices != 0 ? toc.labelIndices : toc.postings;
      readSeries(toc.series, seriesEnd);
      // Newer Prometheus writes no label indices and points this entry at the postings table.
      if (toc.labelOffsetTable != 0 && toc.labelOffsetTable != toc.postingsOffsetTable) {
        checkLabelIndices(toc.labelOffsetTable);
      }
      readPostingsTable(toc.postingsOffsetTable);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw fail(e.getMessage());
    }
  }

  /**
   * Checks the CRC of the section at {@code off} (len, payload, CRC); returns a decoder on the
   * payload.
   */
  private IndexDecoder section(long off) throws IndexFormatException {
    at = off;
    if (off < HEADER || off + 8 > size) {
      throw fail("section offset out of range");
    }
    long len = Integer.toUnsignedLong(b.getInt((int) off));
    if (off + 4 + len + 4 > size) {
      throw fail("section length " + len + " runs past the end of the file");
    }
    int start = (int) off + 4;
    checkCrc(start, (int) len);
    return new IndexDecoder(b, start, start + (int) len);
  }

  private void checkCrc(int start, int len) throws IndexFormatException {
    CRC32C crc = new CRC32C();
    crc.update(b.slice(start, len));
    if ((int) crc.getValue() != b.getInt(start + len)) {
      throw fail("CRC32C mismatch");
    }
  }

  private void readSymbols(long off) throws IndexFormatException {
    IndexDecoder d = section(off);
    int count = d.be32();
    String prev = null;
    for (int i = 0; i < count; i++) {
      String s = d.string();
      if (prev != null && LabelOrder.compareUtf8(prev, s) >= 0) {
        throw fail("symbols not sorted: \"" + prev + "\" before \"" + s + "\"");
      }
      symbols.add(s);
      prev = s;
    }
    expectEnd(d, "symbol table");
  }

  private void readSeries(long from, long end) throws IndexFormatException {
    if (from < HEADER || end > size || from > end) {
      at = from;
      throw fail("series section [" + from + ", " + end + ") out of range");
    }
    long[] refs = new long[64];
    int n = 0;
    int p = (int) from;
    while (p < end) {
      if (b.get(p) == 0) { // padding before the next 16-byte aligned entry
        p++;
        continue;
      }
      at = p;
      if (p % 16 != 0) {
        throw fail("series entry not 16-byte aligned");
      }
      IndexDecoder d = new IndexDecoder(b, p, (int) end);
      int len = d.uvarintInt();
      int start = d.position();
      if (start + len + 4 > end) {
        throw fail("series entry runs past the series section");
      }
      checkCrc(start, len);
      IndexDecoder e = new IndexDecoder(b, start, start + len);
      int labels = e.uvarintInt();
      for (int i = 0; i < 2 * labels; i++) {
        if (e.uvarintInt() >= symbols.size()) {
          throw fail("series refers to a symbol beyond the table");
        }
      }
      readChunks(e);
      expectEnd(e, "series entry");
      if (n == refs.length) {
        refs = Arrays.copyOf(refs, 2 * n);
      }
      refs[n++] = p / 16;
      p = start + len + 4;
    }
    seriesRefs = Arrays.copyOf(refs, n);
  }

  /** Decodes the chunk metas that follow a series' labels. */
  static List<ChunkMeta> readChunks(IndexDecoder d) {
    int n = d.uvarintInt();
    List<ChunkMeta> chunks = new ArrayList<>(n);
    long maxt = 0;
    long ref = 0;
    for (int i = 0; i < n; i++) {
      long mint = i == 0 ? d.varint() : maxt + d.uvarint();
      maxt = mint + d.uvarint();
      ref = i == 0 ? d.uvarint() : ref + d.varint();
      chunks.add(new ChunkMeta(ref, mint, maxt));
    }
    return chunks;
  }

  private void checkLabelIndices(long off) throws IndexFormatException {
    IndexDecoder d = section(off);
    int count = d.be32();
    for (int i = 0; i < count; i++) {
      int keys = d.uvarintInt();
      for (int k = 0; k < keys; k++) {
        d.string();
      }
      long indexOff = d.uvarint();
      IndexDecoder li = section(indexOff);
      int names = li.be32();
      int entries = li.be32();
      if (li.remaining() != 4L * entries || names < 1 || entries % names != 0) {
        throw fail(
            "label index of " + names + " names and " + entries + " entries has a bad length");
      }
      at = off;
    }
    expectEnd(d, "label offset table");
  }

  private void readPostingsTable(long off) throws IndexFormatException {
    IndexDecoder d = section(off);
    int count = d.be32();
    String prevName = null;
    String prevValue = null;
    for (int i = 0; i < count; i++) {
      at = d.position();
      if (d.uvarint() != 2) {
        throw fail("postings offset entry without exactly 2 keys");
      }
      String name = d.string();
      String value = d.string();
      long listOff = d.uvarint();
      if (prevName != null) {
        int c = LabelOrder.compareUtf8(prevName, name);
        if (c > 0 || (c == 0 && LabelOrder.compareUtf8(prevValue, value) >= 0)) {
          throw fail("postings offset table not sorted at " + name + "=\"" + value + "\"");
        }
      }
      checkPostingsList(listOff);
      postingsTable.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(value, listOff);
      prevName = name;
      prevValue = value;
      at = off;
    }
    expectEnd(d, "postings offset table");
  }

  private void checkPostingsList(long off) throws IndexFormatException {
    IndexDecoder d = section(off);
    int count = d.be32();
    if (d.remaining() != 4L * count) {
      throw fail("postings list of " + count + " entries has " + d.remaining() + " bytes");
    }
    long prev = -1;
    for (int i = 0; i < count; i++) {
      long ref = Integer.toUnsignedLong(d.be32());
      if (ref <= prev || Arrays.binarySearch(seriesRefs, ref) < 0) {
        throw fail("postings list holds " + ref + ", not an ascending series reference");
      }
      prev = ref;
    }
  }

  private void expectEnd(IndexDecoder d, String what) throws IndexFormatException {
    if (d.remaining() != 0) {
      at = d.position();
      throw fail(d.remaining() + " unexpected bytes at the end of the " + what);
    }
  }

  private IndexFormatException fail(String message) {
    return new IndexFormatException(file, at, message);
  }
}
