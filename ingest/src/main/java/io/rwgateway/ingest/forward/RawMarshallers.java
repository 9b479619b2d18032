package io.rwgateway.ingest.forward;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.rwgateway.proto.thanos.storepb.WriteableStoreGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The RemoteWrite method with raw-bytes marshallers: requests are encoded and decoded by our own
 * code ({@link ForwardEncoder}, {@link ForwardDecoder}), never through generated message objects.
 *
 * <p>The method descriptor is the generated one re-typed, so the path ({@code
 * /thanos.WriteableStore/RemoteWrite}) and the schema descriptor stay the generated ones.
 */
final class RawMarshallers {
  static final byte[] EMPTY = new byte[0];

  private RawMarshallers() {}

  /**
   * Server side: the request is handed over as the transport's stream. NOTE: the stream is valid
   * only until {@code onMessage} returns (grpc closes it then), so the listener reads it at once;
   * nothing is copied here.
   */
  static final MethodDescriptor<InputStream, byte[]> SERVER_METHOD =
      WriteableStoreGrpc.getRemoteWriteMethod().toBuilder(
              new StreamMarshaller(), new BytesMarshaller())
          .build();

  /** Client side: the request is a ready-encoded {@code thanos.WriteRequest}. */
  static final MethodDescriptor<byte[], byte[]> CLIENT_METHOD =
      WriteableStoreGrpc.getRemoteWriteMethod().toBuilder(
              new BytesMarshaller(), new BytesMarshaller())
          .build();

  /** Passes the stream through; only the server parses with it. */
  private static final class StreamMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }

  /** A message as its encoded bytes. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Lets grpc see the length up front and copy the array in one write instead of pumping it through
   * a buffer.
   */
  private static final class BytesStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    BytesStream(byte[] b) {
      super(b);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
