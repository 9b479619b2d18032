package io.rwgateway.tsdb.block;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Everything an index holds after its series: label indices, postings lists, the label offset
 * table, the postings offset table and the TOC, in that order (as Prometheus 2.42 writes them).
 */
final class IndexTail {
  private final IndexOutput out;
  private final IndexToc toc;
  private final PostingsBuilder postings;
  private final List<String> symbols;

  IndexTail(IndexOutput out, IndexToc toc, PostingsBuilder postings, List<String> symbols) {
    this.out = out;
    this.toc = toc;
    this.postings = postings;
    this.symbols = symbols;
  }

  void write() throws IOException {
    long[] keys = postings.sortedKeys();

    // Label indices: one per name, its values' symbol refs. Keys are grouped by name.
    toc.labelIndices = out.position();
    int[] nameStarts = groupStarts(keys);
    long[] labelIndexOffsets = new long[nameStarts.length - 1];
    for (int g = 0; g + 1 < nameStarts.length; g++) {
      out.pad(4);
      labelIndexOffsets[g] = out.position();
      int from = nameStarts[g];
      int to = nameStarts[g + 1];
      out.writeBE32(4 + 4 + 4 * (to - from));
      out.startCrc();
      out.writeBE32(1); // one name per label index; multi-name indices were never written
      out.writeBE32(to - from);
      for (int i = from; i < to; i++) {
        out.writeBE32(PostingsBuilder.valueRef(keys[i]));
      }
      out.writeBE32(out.endCrc());
    }

    // Postings lists: all series first (under "", ""), then every pair in key order. Like 2.42,
    // the TOC points before the alignment padding; readers only follow the offset table.
    toc.postings = out.position();
    long allOffset = writePostings(postings.allSeries());
    long[] postingOffsets = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      postingOffsets[i] = writePostings(postings.series(keys[i]));
    }

    toc.labelOffsetTable = out.position();
    long start = beginTable(nameStarts.length - 1);
    for (int g = 0; g + 1 < nameStarts.length; g++) {
      out.writeUvarint(1);
      writeString(symbols.get(PostingsBuilder.nameRef(keys[nameStarts[g]])));
      out.writeUvarint(labelIndexOffsets[g]);
    }
    endTable(start);

    toc.postingsOffsetTable = out.position();
    start = beginTable(keys.length + 1);
    writePostingsKey("", "", allOffset);
    for (int i = 0; i < keys.length; i++) {
      writePostingsKey(
          symbols.get(PostingsBuilder.nameRef(keys[i])),
          symbols.get(PostingsBuilder.valueRef(keys[i])),
          postingOffsets[i]);
    }
    endTable(start);

    toc.write(out);
  }

  /** Index in {@code keys} where each name's run starts, plus keys.length at the end. */
  private static int[] groupStarts(long[] keys) {
    int[] starts = new int[keys.length + 1];
    int groups = 0;
    for (int i = 0; i < keys.length; i++) {
      if (i == 0 || PostingsBuilder.nameRef(keys[i]) != PostingsBuilder.nameRef(keys[i - 1])) {
        starts[groups++] = i;
      }
    }
    starts[groups++] = keys.length;
    return Arrays.copyOf(starts, groups);
  }

  private long writePostings(int[] series) throws IOException {
    out.pad(4);
    long at = out.position();
    out.writeBE32(4 + 4 * series.length);
    out.startCrc();
    out.writeBE32(series.length);
    for (int s : series) {
      out.writeBE32(s);
    }
    out.writeBE32(out.endCrc());
    return at;
  }

  private long beginTable(int entries) throws IOException {
    long start = out.position();
    out.writeBE32(0); // length, patched in endTable
    out.startCrc();
    out.writeBE32(entries);
    return start;
  }

  private void endTable(long start) throws IOException {
    int crc = out.endCrc();
    long len = out.position() - start - 4;
    if (len > 0xFFFFFFFFL) {
      throw new IOException("offset table over 4 GiB in " + out.file());
    }
    out.patchBE32(start, (int) len);
    out.writeBE32(crc);
  }

  private void writePostingsKey(String name, String value, long offset) throws IOException {
    out.writeUvarint(2);
    writeString(name);
    writeString(value);
    out.writeUvarint(offset);
  }

  private void writeString(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeUvarint(b.length);
    out.write(b, 0, b.length);
  }
}
