package io.rwgateway.queryapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rwgateway.model.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Prometheus' JSON envelope, written with Jackson's streaming generator straight into a ByteBuf.
 */
final class JsonResponses {
  private static final JsonFactory JSON =
      new JsonFactoryBuilder().characterEscapes(new GoEscapes()).build();

  /** Writes the value of {@code "data"}. */
  @FunctionalInterface
  interface DataWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private JsonResponses() {}

  static FullHttpResponse success(DataWriter data, List<String> warnings) {
    return respond(
        HttpResponseStatus.OK,
        g -> {
          g.writeStringField("status", "success");
          g.writeFieldName("data");
          data.write(g);
          writeWarnings(g, warnings);
        });
  }

  /** Prometheus' {@code "warnings"}: left out when there are none. */
  private static void writeWarnings(JsonGenerator g, List<String> warnings) throws IOException {
    if (!warnings.isEmpty()) {
      g.writeArrayFieldStart("warnings");
      for (String w : warnings) {
        g.writeString(w);
      }
      g.writeEndArray();
    }
  }

  /** {@code {"status":"success"}}: Prometheus omits a nil {@code data}. */
  static FullHttpResponse successWithoutData() {
    return respond(HttpResponseStatus.OK, g -> g.writeStringField("status", "success"));
  }

  /**
   * A success answer sent through {@code stream} in pieces instead of built whole (a large query
   * result). Returns normally once the body ended; a failure to send aborts the stream.
   */
  static void streamSuccess(
      HttpStream stream, ByteBufAllocator alloc, DataWriter data, List<String> warnings) {
    stream.start(HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON.toString());
    ChunkedOutput out = new ChunkedOutput(stream, alloc);
    try {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("status", "success");
        g.writeFieldName("data");
        data.write(g);
        writeWarnings(g, warnings);
        g.writeEndObject();
      }
    } catch (IOException | RuntimeException e) {
      out.discard();
      stream.abort(e.toString());
    }
  }

  static FullHttpResponse error(ApiException e) {
    return respond(
        e.status(),
        g -> {
          g.writeStringField("status", "error");
          g.writeStringField("errorType", e.errorType());
          g.writeStringField("error", e.getMessage());
        });
  }

  static void writeStrings(JsonGenerator g, List<String> values) throws IOException {
    g.writeStartArray();
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** A label set as a JSON object; names are already sorted, as Go's map encoding sorts keys. */
  static void writeLabels(JsonGenerator g, Labels labels) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < labels.size(); i++) {
      g.writeStringField(labels.name(i), labels.value(i));
    }
    g.writeEndObject();
  }

  private static FullHttpResponse respond(HttpResponseStatus status, DataWriter fields) {
    ByteBuf buf = Unpooled.buffer(256);
    boolean ok = false;
    try {
      try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
        g.writeStartObject();
        fields.write(g);
        g.writeEndObject();
      }
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
      ok = true;
      return res;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteBuf does not fail writes; kept for the signature
    } finally {
      if (!ok) {
        buf.release();
      }
    }
  }

  /**
   * Go's encoding/json escapes {@code < > &} (and U+2028/U+2029) so JSON can sit inside HTML;
   * Prometheus' answers carry those escapes, so ours do too, to be byte-comparable.
   */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] table = standardAsciiEscapesForJSON();

    GoEscapes() {
      table['<'] = ESCAPE_CUSTOM;
      table['>'] = ESCAPE_CUSTOM;
      table['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      switch (ch) {
        case '<':
          return new SerializedString("\\u003c");
        case '>':
          return new SerializedString("\\u003e");
        case '&':
          return new SerializedString("\\u0026");
        case 0x2028:
          return new SerializedString("\\u2028");
        case 0x2029:
          return new SerializedString("\\u2029");
        default:
          return null;
      }
    }
  }
}
