package io.rwgateway.tsdb.block;

import io.rwgateway.model.Varint;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A block's {@code tombstones} file (layout: docs/format/tombstones.md). Our blocks never have
 * deletions, so {@link #writeEmpty} is what the block writer uses; {@link #encode} exists so the
 * layout is written down in code once, with its checksum rule, for the day deletions arrive.
 */
public final class Tombstones {
  public static final int MAGIC = 0x0130BA30;
  public static final byte FORMAT_V1 = 1;

  /** Magic, version, and the CRC-32C of no stones (which is 0). */
  private static final byte[] EMPTY = {0x01, 0x30, (byte) 0xBA, 0x30, 0x01, 0, 0, 0, 0};

  private Tombstones() {}

  /** One deleted interval of a series; {@code mint} and {@code maxt} are both inclusive. */
  public record Stone(long seriesRef, long mint, long maxt) {}

  /** The bytes of a tombstones file without stones. */
  public static byte[] empty() {
    return EMPTY.clone();
  }

  /** The bytes of a tombstones file holding {@code stones} in the given order. */
  public static byte[] encode(List<Stone> stones) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeBE32(out, MAGIC);
    out.write(FORMAT_V1);
    byte[] tmp = new byte[30]; // three varints of at most 10 bytes
    CRC32C crc = new CRC32C();
    for (Stone s : stones) {
      int n = Varint.put(tmp, 0, s.seriesRef());
      n = Varint.put(tmp, n, Varint.zigZagEncode(s.mint()));
      n = Varint.put(tmp, n, Varint.zigZagEncode(s.maxt()));
      out.write(tmp, 0, n);
      crc.update(tmp, 0, n); // NOTE: the version byte is not covered, as in Prometheus.
    }
    writeBE32(out, (int) crc.getValue());
    return out.toByteArray();
  }

  /** Writes an empty {@code tombstones} file into {@code blockDir} and fsyncs it. */
  public static void writeEmpty(Path blockDir) throws IOException {
    BlockFiles.writeSynced(blockDir.resolve(BlockLayout.TOMBSTONES_FILE), EMPTY);
  }

  private static void writeBE32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
