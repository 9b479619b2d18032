package io.rwgateway.queryapi.store;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One {@code thanos.SeriesResponse} message to send: the labels of its series already in wire
 * bytes, and a range of the series' chunks. {@link #MARSHALLER} hands it to gRPC as a stream of
 * known length that gRPC drains straight into its transport buffers ({@link SeriesFrames#write}):
 * no protobuf objects and no intermediate serialization buffer.
 */
final class SeriesFrame {
  final byte[] labels;
  final OutSeries series;
  final int from;
  final int to;
  final int seriesSize;

  SeriesFrame(byte[] labels, OutSeries series, int from, int to, int seriesSize) {
    this.labels = labels;
    this.series = series;
    this.from = from;
    this.to = to;
    this.seriesSize = seriesSize;
  }

  /**
   * A {@code warning} response (field 2) instead of a series: {@code labels} then holds the
   * warning's UTF-8 bytes and {@code series} is null.
   */
  static SeriesFrame warning(String warning) {
    byte[] text = warning.getBytes(StandardCharsets.UTF_8);
    return new SeriesFrame(text, null, 0, 0, text.length);
  }

  boolean isWarning() {
    return series == null;
  }

  /** The frame's bytes on the wire. */
  int size() {
    return SeriesFrames.frameSize(seriesSize);
  }

  /** The frame's bytes, in a new array (tests, and transports that read instead of draining). */
  byte[] toByteArray() {
    byte[] out = new byte[size()];
    int[] at = {0};
    SeriesFrames.write(
        this,
        (b, off, len) -> {
          System.arraycopy(b, off, out, at[0], len);
          at[0] += len;
        });
    if (at[0] != out.length) {
      throw new IllegalStateException("frame size miscounted: " + at[0] + " of " + out.length);
    }
    return out;
  }

  /** The marshaller of {@code Store/Series} responses on the server (which never parses one). */
  static final MethodDescriptor.Marshaller<SeriesFrame> MARSHALLER =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(SeriesFrame frame) {
          return new Stream(frame);
        }

        @Override
        public SeriesFrame parse(InputStream in) {
          throw new UnsupportedOperationException("Series responses are only written here");
        }
      };

  /**
   * The stream gRPC reads a frame from: its length known, drained by writing the pieces; read
   * byte-wise only by a transport that does not drain (then the bytes are made once).
   */
  private static final class Stream extends InputStream implements Drainable, KnownLength {
    private final SeriesFrame frame;
    private ByteArrayInputStream bytes;
    private boolean drained;

    Stream(SeriesFrame frame) {
      this.frame = frame;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      if (bytes != null) {
        return (int) bytes.transferTo(target);
      }
      if (drained) {
        return 0;
      }
      drained = true;
      try {
        SeriesFrames.write(
            frame,
            (b, off, len) -> {
              try {
                target.write(b, off, len);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      return frame.size();
    }

    private ByteArrayInputStream bytes() {
      if (bytes == null) {
        bytes = new ByteArrayInputStream(drained ? new byte[0] : frame.toByteArray());
        drained = true;
      }
      return bytes;
    }

    @Override
    public int available() {
      if (bytes == null) {
        return drained ? 0 : frame.size();
      }
      return bytes.available();
    }

    @Override
    public int read() {
      return bytes().read();
    }

    @Override
    public int read(byte[] dst, int off, int len) {
      return bytes().read(dst, off, len);
    }
  }
}
