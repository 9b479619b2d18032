package io.rwgateway.query;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.ChunkEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code thanos.SeriesResponse} as the proxy reads it: a series' labels (names and values
 * alternating, as sent) and raw chunks, or a warning. Decoded straight from the wire bytes ({@link
 * #MARSHALLER}) instead of through protobuf's generated builders, which allocated a builder, a
 * message and a list per label and per chunk: a third of what a query node allocated per query
 * (JFR, 20k series). The chunks' bytes stay slices of the message's one array.
 *
 * @param labels the series' labels, {@code [name0, value0, name1, value1, ...]}; null for a warning
 * @param chunks the raw chunks (an aggregate-only chunk, which the proxy never asks for, is left
 *     out)
 * @param warning the warning, null for a series
 */
record RemoteFrame(String[] labels, List<RemoteChunk> chunks, String warning) {
  /** The Series method with responses read as frames; the request stays Thanos' message. */
  static final MethodDescriptor<SeriesRequest, RemoteFrame> SERIES =
      StoreGrpc.getSeriesMethod().toBuilder(
              StoreGrpc.getSeriesMethod().getRequestMarshaller(), new Marshaller())
          .build();

  /** Same labels as another frame of the same series (Thanos splits long series). */
  boolean sameSeries(RemoteFrame o) {
    return Arrays.equals(labels, o.labels);
  }

  private static final class Marshaller implements MethodDescriptor.Marshaller<RemoteFrame> {
    @Override
    public InputStream stream(RemoteFrame value) {
      throw new UnsupportedOperationException("Series responses are only read here");
    }

    @Override
    public RemoteFrame parse(InputStream in) {
      try {
        byte[] b;
        if (in instanceof KnownLength) {
          b = new byte[in.available()];
          int n = 0;
          while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
              throw new IOException("message ended after " + n + " of " + b.length + " bytes");
            }
            n += r;
          }
        } else {
          b = in.readAllBytes();
        }
        return new Reader(b).response();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Protobuf wire format over one message's bytes. */
  private static final class Reader {
    private final byte[] b;
    private int p;

    Reader(byte[] b) {
      this.b = b;
    }

    RemoteFrame response() {
      RemoteFrame out = null;
      while (p < b.length) {
        int tag = (int) varint();
        int field = tag >>> 3;
        if (field == 1 && (tag & 7) == 2) {
          int len = len();
          out = series(p + len);
        } else if (field == 2 && (tag & 7) == 2) {
          int len = len();
          out = new RemoteFrame(null, List.of(), new String(b, p, len, StandardCharsets.UTF_8));
          p += len;
        } else {
          skip(tag); // hints: store-specific; this proxy asks for none and uses none
        }
      }
      return out != null ? out : new RemoteFrame(null, List.of(), null);
    }

    private RemoteFrame series(int end) {
      List<String> labels = new ArrayList<>(16);
      List<RemoteChunk> chunks = new ArrayList<>(4);
      while (p < end) {
        int tag = (int) varint();
        int field = tag >>> 3;
        if (field == 1 && (tag & 7) == 2) {
          int len = len();
          label(p + len, labels);
        } else if (field == 2 && (tag & 7) == 2) {
          int len = len();
          RemoteChunk c = aggrChunk(p + len);
          if (c != null) {
            chunks.add(c);
          }
        } else {
          skip(tag);
        }
      }
      return new RemoteFrame(labels.toArray(new String[0]), chunks, null);
    }

    private void label(int end, List<String> out) {
      String name = "";
      String value = "";
      while (p < end) {
        int tag = (int) varint();
        if ((tag & 7) == 2 && (tag >>> 3 == 1 || tag >>> 3 == 2)) {
          int len = len();
          String s = LabelStrings.decode(b, p, len);
          p += len;
          if (tag >>> 3 == 1) {
            name = s;
          } else {
            value = s;
          }
        } else {
          skip(tag);
        }
      }
      out.add(name);
      out.add(value);
    }

    private RemoteChunk aggrChunk(int end) {
      long min = 0;
      long max = 0;
      RemoteChunk raw = null;
      while (p < end) {
        int tag = (int) varint();
        int field = tag >>> 3;
        if (field == 1 && (tag & 7) == 0) {
          min = varint();
        } else if (field == 2 && (tag & 7) == 0) {
          max = varint();
        } else if (field == 3 && (tag & 7) == 2) {
          int len = len();
          raw = chunk(p + len);
        } else {
          skip(tag); // count, sum, min, max, counter: downsampled aggregates, not asked for
        }
      }
      return raw == null ? null : new RemoteChunk(raw.encoding(), min, max, raw.data());
    }

    private RemoteChunk chunk(int end) {
      int type = 0;
      int from = p;
      int len = 0;
      while (p < end) {
        int tag = (int) varint();
        int field = tag >>> 3;
        if (field == 1 && (tag & 7) == 0) {
          type = (int) varint();
        } else if (field == 2 && (tag & 7) == 2) {
          len = len();
          from = p;
          p += len;
        } else {
          skip(tag); // hash
        }
      }
      // The StoreAPI numbers encodings from 0 (XOR), Prometheus from 1.
      int encoding = type + ChunkEncoding.XOR;
      return new RemoteChunk(encoding, 0, 0, UnsafeByteOperations.unsafeWrap(b, from, len));
    }

    /** A length prefix, checked against the message's end. */
    private int len() {
      long len = varint();
      if (len < 0 || len > b.length - p) {
        throw new IllegalArgumentException("truncated Series response");
      }
      return (int) len;
    }

    private long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b[p++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint in a Series response");
    }

    private void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> p += 8;
        case 2 -> {
          int len = len();
          p += len;
        }
        case 5 -> p += 4;
        default ->
            throw new IllegalArgumentException(
                "unsupported wire type " + (tag & 7) + " in a Series response");
      }
      if (p > b.length) {
        throw new IllegalArgumentException("truncated Series response");
      }
    }
  }
}
