package io.rwgateway.hashring;

import io.rwgateway.model.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Places the series of one tenant on one hashring, without allocating per series. Not thread-safe:
 * keep one per event loop (or per request) and {@link #bind} it per request.
 *
 * <p>The series hash is Thanos' ({@code labelpb.HashWithPrefix(tenant, labels)}): XXH64 with seed 0
 * over
 *
 * <pre>
 *   tenant 0xFF name₁ 0xFF value₁ 0xFF name₂ 0xFF value₂ 0xFF ... nameₙ 0xFF valueₙ 0xFF
 * </pre>
 *
 * (UTF-8 strings, labels in the order given, no lengths). The input here is model's {@code
 * LabelBytes} form, {@code uvarint(len) bytes} per string in name order; the strings are copied
 * behind the tenant prefix in a reused buffer with 0xFF in place of each length, which yields those
 * exact bytes without building a String.
 */
public final class TenantPlacer {
  private static final byte SEP = (byte) 0xFF;

  private byte[] buf = new byte[512];
  private int prefixLen;
  private SingleHashring ring;

  /** Binds to {@code ring} and {@code tenant} for the following calls; returns this. */
  public TenantPlacer bind(SingleHashring ring, String tenant) {
    this.ring = ring;
    prefixLen = 0;
    int n = tenant.length();
    ensure(n + 1);
    for (int i = 0; i < n; i++) {
      char c = tenant.charAt(i);
      if (c >= 0x80) { // rare: tenant ids are ASCII in practice; encode the general case properly
        byte[] b = tenant.getBytes(StandardCharsets.UTF_8);
        ensure(b.length + 1);
        System.arraycopy(b, 0, buf, 0, b.length);
        prefixLen = b.length;
        break;
      }
      buf[prefixLen++] = (byte) c;
    }
    buf[prefixLen++] = SEP;
    return this;
  }

  /** The ring this placer is bound to. */
  public SingleHashring ring() {
    return ring;
  }

  /**
   * Thanos' hash of the bound tenant and one series, given as canonical label bytes at {@code
   * labels[off .. off+len)}.
   *
   * @throws IllegalArgumentException when the bytes are not well-formed label bytes
   */
  public long hash(byte[] labels, int off, int len) {
    int end = off + len;
    int p = off;
    int w = prefixLen;
    int strings = 0;
    while (p < end) {
      // uvarint length; strings over 2^28 bytes are not label strings
      int n = 0;
      int shift = 0;
      byte b;
      do {
        if (p >= end || shift > 21) {
          throw new IllegalArgumentException("malformed label bytes at offset " + (p - off));
        }
        b = labels[p++];
        n |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      if (n > end - p) {
        throw new IllegalArgumentException(
            "malformed label bytes: string runs past the end at offset " + (p - off));
      }
      if (w + n + 1 > buf.length) {
        ensure(w + n + 1);
      }
      System.arraycopy(labels, p, buf, w, n);
      w += n;
      buf[w++] = SEP;
      p += n;
      strings++;
    }
    if ((strings & 1) != 0) {
      throw new IllegalArgumentException("malformed label bytes: a label name without a value");
    }
    return XxHash64.hash(buf, 0, w, 0);
  }

  /**
   * Writes the owners of one series to {@code out[0 .. rf)} as indexes into {@code ring().nodes()};
   * returns rf.
   */
  public int owners(byte[] labels, int off, int len, int[] out) {
    ring.ownersOfHash(hash(labels, off, len), out);
    return ring.replicationFactor();
  }

  private void ensure(int size) {
    if (size > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size, buf.length * 2));
    }
  }
}
