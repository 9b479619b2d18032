package io.rwgateway.sidecar;

import com.google.protobuf.CodedInputStream;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads a streamed remote read answer one frame at a time (the format is in docs/http-api.md,
 * "Remote read"): an unsigned varint length, the CRC32C of the message (4 bytes, big-endian), then
 * one {@code prometheus.ChunkedReadResponse}. Only the current frame is held, in a buffer reused
 * from frame to frame; the decoded message owns copies of its chunk bytes.
 */
final class ChunkedFrameReader {
  /** Prometheus' own limit for one frame ({@code DefaultChunkedReadLimit}). */
  static final int MAX_FRAME_BYTES = 50_000_000;

  private final InputStream in;
  private final String url;
  private final CRC32C crc = new CRC32C();
  private byte[] buf = new byte[32 * 1024];
  private long frames;

  ChunkedFrameReader(InputStream in, String url) {
    this.in = new BufferedInputStream(in, 64 * 1024);
    this.url = url;
  }

  /** Frames read so far. */
  long frames() {
    return frames;
  }

  /**
   * The next frame's message, or null at the end of the answer.
   *
   * @throws PrometheusException when the stream breaks or a frame is truncated, too large or fails
   *     its checksum (Prometheus writes an error after the frames it sent when a query fails
   *     half-way, which shows up here as a bad frame)
   */
  ChunkedReadResponse next() {
    try {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      long size = uvarint(first);
      if (size > MAX_FRAME_BYTES) {
        throw bad("frame " + frames + " claims " + size + " bytes, more than " + MAX_FRAME_BYTES);
      }
      int n = (int) size;
      int checksum = 0;
      for (int i = 0; i < 4; i++) {
        int b = in.read();
        if (b < 0) {
          throw bad("frame " + frames + " ends inside its checksum");
        }
        checksum = (checksum << 8) | b;
      }
      if (buf.length < n) {
        buf = new byte[Math.max(n, buf.length * 2)];
      }
      if (in.readNBytes(buf, 0, n) != n) {
        throw bad("frame " + frames + " ends before its " + n + " bytes");
      }
      crc.reset();
      crc.update(buf, 0, n);
      if ((int) crc.getValue() != checksum) {
        throw bad("frame " + frames + " fails its CRC32C checksum");
      }
      ChunkedReadResponse msg =
          ChunkedReadResponse.parseFrom(CodedInputStream.newInstance(buf, 0, n));
      frames++;
      return msg;
    } catch (IOException e) {
      throw PrometheusException.badAnswer(
          url, "remote read answer unreadable after " + frames + " frames: " + e, e);
    }
  }

  private long uvarint(int first) throws IOException {
    long v = first & 0x7f;
    int b = first;
    int shift = 7;
    while ((b & 0x80) != 0) {
      if (shift > 63) {
        throw bad("frame " + frames + " has a length varint longer than 10 bytes");
      }
      b = in.read();
      if (b < 0) {
        throw bad("frame " + frames + " ends inside its length");
      }
      v |= (long) (b & 0x7f) << shift;
      shift += 7;
    }
    if (v < 0) {
      throw bad("frame " + frames + " has a length beyond 2^63");
    }
    return v;
  }

  private PrometheusException bad(String what) {
    return PrometheusException.badAnswer(url, what, null);
  }
}
