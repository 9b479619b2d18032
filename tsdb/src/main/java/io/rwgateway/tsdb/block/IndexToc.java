package io.rwgateway.tsdb.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** The table of contents at the end of an index: six section offsets and their CRC32C. */
final class IndexToc {
  static final int SIZE = 6 * 8 + 4;

  long symbols;
  long series;
  long labelIndices;
  long labelOffsetTable;
  long postings;
  long postingsOffsetTable;

  void write(IndexOutput out) throws IOException {
    out.startCrc();
    out.writeBE64(symbols);
    out.writeBE64(series);
    out.writeBE64(labelIndices);
    out.writeBE64(labelOffsetTable);
    out.writeBE64(postings);
    out.writeBE64(postingsOffsetTable);
    out.writeBE32(out.endCrc());
  }

  /**
   * Reads the TOC from the last {@link #SIZE} bytes of {@code b}; returns null when its CRC does
   * not match.
   */
  static IndexToc read(ByteBuffer b) {
    int at = b.limit() - SIZE;
    CRC32C crc = new CRC32C();
    crc.update(b.slice(at, SIZE - 4));
    if ((int) crc.getValue() != b.getInt(at + SIZE - 4)) {
      return null;
    }
    IndexToc t = new IndexToc();
    t.symbols = b.getLong(at);
    t.series = b.getLong(at + 8);
    t.labelIndices = b.getLong(at + 16);
    t.labelOffsetTable = b.getLong(at + 24);
    t.postings = b.getLong(at + 32);
    t.postingsOffsetTable = b.getLong(at + 40);
    return t;
  }
}
