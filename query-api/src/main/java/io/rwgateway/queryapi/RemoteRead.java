package io.rwgateway.queryapi;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rwgateway.model.InvalidMatcherException;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote read with the SAMPLES response type: a snappy-compressed {@code
 * prometheus.ReadRequest} in, a snappy-compressed {@code prometheus.ReadResponse} out with one
 * {@code QueryResult} per query, in order. Errors are plain text, as Prometheus answers them.
 *
 * <p>NOTE: generated protobuf classes are fine here: remote read is a rare, bulk call, not the
 * per-sample ingest path.
 */
final class RemoteRead {
  /** Bound on the decompressed request, so a tiny body cannot claim gigabytes. */
  static final int MAX_DECODED_BYTES = 32 << 20;

  private final int maxSamples;

  /** {@code maxSamples <= 0} means no limit. */
  RemoteRead(int maxSamples) {
    this.maxSamples = maxSamples;
  }

  /**
   * Answers one request; {@code querier} is null for a tenant without data. With a {@code chunks}
   * source and a {@code stream}, a request that asks for STREAMED_XOR_CHUNKS first is streamed
   * through {@code stream} and null is returned.
   */
  FullHttpResponse handle(
      FullHttpRequest req,
      Querier querier,
      ChunkQueryable chunks,
      String tenant,
      HttpStream stream,
      ByteBufAllocator alloc) {
    ReadRequest request;
    try {
      request = decode(ByteBufUtil.getBytes(req.content()));
    } catch (ApiException e) {
      return text(e.status(), e.getMessage());
    }
    boolean canStream = chunks != null && stream != null;
    ReadRequest.ResponseType type = negotiate(request, canStream);
    if (type == null) {
      return text(
          HttpResponseStatus.BAD_REQUEST,
          "remote read: none of the accepted response types "
              + request.getAcceptedResponseTypesList()
              + " is supported; supported: "
              + (canStream ? "[SAMPLES STREAMED_XOR_CHUNKS]" : "[SAMPLES]"));
    }
    if (type == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS) {
      try {
        new StreamedRead(chunks, tenant, maxSamples, stream, alloc).run(request);
        return null;
      } catch (ApiException e) {
        return text(e.status(), e.getMessage());
      } catch (StreamedRead.LimitBeforeStart e) {
        return text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
      }
    }
    ReadResponse.Builder response = ReadResponse.newBuilder();
    long total = 0;
    for (Query query : request.getQueriesList()) {
      Matcher[] matchers;
      try {
        matchers = matchers(query);
      } catch (ApiException e) {
        return text(e.status(), e.getMessage());
      }
      if (maxSamples > 0 && chunks != null) {
        // The float samples in range, counted from the chunks before anything is decoded into
        // memory, so an over-limit read is refused without materializing it.
        long floats =
            countFloats(
                chunks,
                tenant,
                query.getStartTimestampMs(),
                query.getEndTimestampMs(),
                matchers,
                maxSamples - total);
        if (total + floats > maxSamples) {
          return text(
              HttpResponseStatus.BAD_REQUEST,
              "remote read: number of samples exceeds limit of "
                  + maxSamples
                  + " (set by the gateway's remote-read sample limit)");
        }
      }
      List<SeriesData> series =
          querier == null
              ? List.of()
              : querier.select(matchers, query.getStartTimestampMs(), query.getEndTimestampMs());
      for (SeriesData sd : series) {
        total += sd.sampleCount() + sd.histT().length;
      }
      // Checked before building anything, so an over-limit read costs no response memory.
      if (maxSamples > 0 && total > maxSamples) {
        return text(
            HttpResponseStatus.BAD_REQUEST,
            "remote read: number of samples exceeds limit of "
                + maxSamples
                + " (set by the gateway's remote-read sample limit)");
      }
      QueryResult.Builder result = QueryResult.newBuilder();
      for (SeriesData sd : series) {
        try {
          result.addTimeseries(toTimeSeries(sd));
        } catch (InvalidProtocolBufferException e) {
          return text(
              HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "remote read: stored histogram of "
                  + sd.labels()
                  + " does not parse: "
                  + e.getMessage());
        }
      }
      response.addResults(result);
    }
    try {
      byte[] body = Snappy.compress(response.build().toByteArray());
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
      res.headers().set(HttpHeaderNames.CONTENT_ENCODING, "snappy");
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      return res;
    } catch (IOException e) {
      return text(
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "remote read: compressing the response failed: " + e.getMessage());
    }
  }

  /**
   * The float samples in [mint, maxt] the matchers select, counted without keeping any: chunk
   * headers give each chunk's count, and only a chunk that reaches outside the range is decoded.
   * Stops once the count passes {@code budget} (the answer is then refused anyway).
   */
  static long countFloats(
      ChunkQueryable chunks, String tenant, long mint, long maxt, Matcher[] matchers, long budget) {
    long n = 0;
    XorIterator x = new XorIterator();
    byte[] buf = new byte[256];
    try (ChunkQuerier q = chunks.chunkQuerier(tenant, mint, maxt)) {
      ChunkSeriesSet set = q.select(matchers);
      while (set.next() && n <= budget) {
        ChunkIterator it = set.chunks();
        while (it.next()) {
          if (it.encoding() != ChunkEncoding.XOR) {
            continue;
          }
          ByteBuffer b = it.bytes();
          if (it.minTime() >= mint && it.maxTime() <= maxt) {
            n += ((b.get(b.position()) & 0xFF) << 8) | (b.get(b.position() + 1) & 0xFF);
            continue;
          }
          int len = b.remaining();
          if (buf.length < len) {
            buf = new byte[len];
          }
          b.get(buf, 0, len);
          x.reset(buf, len);
          while (x.next()) {
            if (x.t() > maxt) {
              break;
            }
            if (x.t() >= mint) {
              n++;
            }
          }
        }
      }
    }
    return n;
  }

  /**
   * The first accepted response type we serve (none listed: SAMPLES), as Prometheus' server
   * negotiates; null when none is served.
   */
  static ReadRequest.ResponseType negotiate(ReadRequest request, boolean canStream) {
    if (request.getAcceptedResponseTypesCount() == 0) {
      return ReadRequest.ResponseType.SAMPLES;
    }
    for (ReadRequest.ResponseType t : request.getAcceptedResponseTypesList()) {
      if (t == ReadRequest.ResponseType.SAMPLES
          || (canStream && t == ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)) {
        return t;
      }
    }
    return null;
  }

  static ReadRequest decode(byte[] body) {
    byte[] raw;
    try {
      if (!Snappy.isValidCompressedBuffer(body)) {
        throw ApiException.badData(
            "remote read: request body is not snappy-compressed (block format)");
      }
      int size = Snappy.uncompressedLength(body);
      if (size < 0 || size > MAX_DECODED_BYTES) {
        throw ApiException.badData(
            "remote read: decompressed request of " + size + " bytes exceeds " + MAX_DECODED_BYTES);
      }
      raw = Snappy.uncompress(body);
    } catch (IOException e) {
      throw ApiException.badData(
          "remote read: request body is not snappy-compressed: " + oneLine(e.getMessage()));
    }
    try {
      return ReadRequest.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badData(
          "remote read: request body is not a prometheus.ReadRequest: " + oneLine(e.getMessage()));
    }
  }

  static Matcher[] matchers(Query query) {
    Matcher[] out = new Matcher[query.getMatchersCount()];
    for (int i = 0; i < out.length; i++) {
      LabelMatcher m = query.getMatchers(i);
      Matcher.Type type;
      switch (m.getType()) {
        case EQ:
          type = Matcher.Type.EQ;
          break;
        case NEQ:
          type = Matcher.Type.NEQ;
          break;
        case RE:
          type = Matcher.Type.RE;
          break;
        case NRE:
          type = Matcher.Type.NRE;
          break;
        default:
          throw ApiException.badData("remote read: unknown matcher type " + m.getTypeValue());
      }
      try {
        out[i] = new Matcher(type, m.getName(), m.getValue());
      } catch (InvalidMatcherException e) {
        throw ApiException.badData(
            "remote read: invalid regular expression in matcher for \""
                + m.getName()
                + "\": "
                + e.getMessage());
      }
    }
    return out;
  }

  static TimeSeries toTimeSeries(SeriesData sd) throws InvalidProtocolBufferException {
    TimeSeries.Builder ts = TimeSeries.newBuilder();
    Labels labels = sd.labels();
    for (int i = 0; i < labels.size(); i++) {
      ts.addLabels(Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)));
    }
    long[] t = sd.sampleT();
    double[] v = sd.sampleV();
    for (int i = 0; i < t.length; i++) {
      // protobuf writes doubles by their raw bits, so NaN payloads (stale markers) survive.
      ts.addSamples(Sample.newBuilder().setTimestamp(t[i]).setValue(v[i]));
    }
    long[] ht = sd.histT();
    byte[][] hs = sd.histograms();
    for (int i = 0; i < ht.length; i++) {
      Histogram h = Histogram.parseFrom(hs[i]);
      if (h.getTimestamp() != ht[i]) {
        h = h.toBuilder().setTimestamp(ht[i]).build();
      }
      ts.addHistograms(h);
    }
    return ts.build();
  }

  static FullHttpResponse text(HttpResponseStatus status, String message) {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return res;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
