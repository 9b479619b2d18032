package io.rwgateway.uploader;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code length} bytes of {@code file} from {@code offset}: one multipart part, or a whole file.
 * Streams from disk, so a 64 MiB part is never held in memory.
 */
record FileSlice(Path file, long offset, long length) {

  /**
   * A fresh stream over the slice. The SDK calls this again for a retried request, so every call
   * opens its own channel.
   */
  InputStream open() {
    try {
      FileChannel ch = FileChannel.open(file);
      ch.position(offset);
      return new Bounded(Channels.newInputStream(ch), length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Base64 MD5 of the slice, for {@code Content-MD5}: the server refuses a body that was damaged on
   * the way.
   */
  String md5Base64() throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK must provide MD5", e);
    }
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try (InputStream in = open()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        total += n;
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (total != length) {
      throw new IOException(
          file
              + " shrank while uploading: expected "
              + length
              + " bytes from offset "
              + offset
              + ", read "
              + total);
    }
    return Base64.getEncoder().encodeToString(md.digest());
  }

  /** Stops after {@code remaining} bytes. */
  private static final class Bounded extends FilterInputStream {
    private long remaining;

    Bounded(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(Math.min(n, remaining));
      remaining -= s;
      return s;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
