package io.rwgateway.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The bytes around a payload inside one Chronicle excerpt: {@code version(1) flags(1)
 * payload_len(u32 LE) payload crc32c(u32 LE)}, the CRC covering the header and the payload. Layout:
 * docs/format/wal.md.
 */
final class RecordFraming {
  static final int VERSION = 1;
  static final int HEADER_BYTES = 6;
  static final int TRAILER_BYTES = 4;
  static final int OVERHEAD = HEADER_BYTES + TRAILER_BYTES;

  private RecordFraming() {}

  static void writeHeader(byte[] dst, int payloadLen) {
    dst[0] = VERSION;
    dst[1] = 0;
    ByteSink.putIntLE(dst, 2, payloadLen);
  }

  /**
   * The CRC32C of a header (already written by {@link #writeHeader}) followed by {@code payload}'s
   * remaining bytes; the payload's position is left where it was. {@code crc} is reused scratch.
   */
  static int checksum(byte[] header, ByteBuffer payload, CRC32C crc) {
    crc.reset();
    crc.update(header, 0, HEADER_BYTES);
    int start = payload.position();
    crc.update(payload); // NOTE: an intrinsic over heap and direct buffers alike
    payload.position(start);
    return (int) crc.getValue();
  }

  /**
   * Checks one excerpt held in {@code b[0, len)}. Returns null when it is intact, otherwise what is
   * wrong with it, for the log line. {@code crc} is reused scratch.
   */
  static String check(byte[] b, int len, CRC32C crc) {
    return check(b, 0, len, crc);
  }

  /** As {@link #check(byte[], int, CRC32C)} for a record held in {@code b[off, off + len)}. */
  static String check(byte[] b, int off, int len, CRC32C crc) {
    if (len < OVERHEAD) {
      return "excerpt of "
          + len
          + " bytes is shorter than the "
          + OVERHEAD
          + "-byte framing (torn record)";
    }
    int version = b[off] & 0xFF;
    if (version != VERSION) {
      return "unknown record version "
          + version
          + (version == 0 ? " (zeroed bytes: torn record)" : "");
    }
    int flags = b[off + 1] & 0xFF;
    if (flags != 0) {
      return "unknown record flags 0x" + Integer.toHexString(flags);
    }
    long payloadLen = ByteSink.getIntLE(b, off + 2) & 0xFFFF_FFFFL;
    if (payloadLen != len - OVERHEAD) {
      return "payload length "
          + payloadLen
          + " does not match the excerpt's "
          + (len - OVERHEAD)
          + " payload bytes";
    }
    crc.reset();
    crc.update(b, off, len - TRAILER_BYTES);
    int computed = (int) crc.getValue();
    int stored = ByteSink.getIntLE(b, off + len - TRAILER_BYTES);
    if (computed != stored) {
      return "CRC32C mismatch: stored 0x"
          + Integer.toHexString(stored)
          + ", computed 0x"
          + Integer.toHexString(computed);
    }
    return null;
  }
}
