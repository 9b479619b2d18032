package io.rwgateway.ingest.forward;

import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * The gRPC message encoding "snappy" as Thanos registers it: snappy's framed (stream) format, with
 * checksummed chunks, over each message.
 *
 * <p>NOTE: Thanos routers compress forwards with it by default ({@code
 * --receive.grpc-compression=snappy}), and grpc-java knows only gzip, so without this codec a
 * Thanos router could not forward to us. Not to be confused with remote write's snappy, which is
 * the unframed block format.
 */
public final class SnappyCodec implements Codec {
  public static final String NAME = "snappy";
  public static final SnappyCodec INSTANCE = new SnappyCodec();

  private SnappyCodec() {}

  @Override
  public String getMessageEncoding() {
    return NAME;
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new SnappyFramedOutputStream(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new SnappyFramedInputStream(is);
  }
}
