package io.rwgateway.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rwgateway.model.Labels;
import io.rwgateway.query.EndpointSet;
import io.rwgateway.query.EndpointStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/stores} as Thanos Query answers it: the endpoints by component type, {@code
 * {"status":"success","data":{"receive":[{"name":"host:port","lastCheck":"<RFC 3339>",
 * "lastError":null,"labelSets":[{"name":"value"}],"minTime":ms,"maxTime":ms}]}}}. As in Thanos, an
 * endpoint that has never answered Info (its component type unknown) is not listed.
 */
final class StoresStatus {
  private static final JsonFactory JSON = new JsonFactory();

  private StoresStatus() {}

  static FullHttpResponse answer(EndpointSet endpoints) {
    Map<String, List<EndpointStatus>> byType = new LinkedHashMap<>();
    for (EndpointStatus s : endpoints.snapshot()) {
      if (s.info() != null) {
        byType.computeIfAbsent(s.info().componentType(), t -> new ArrayList<>()).add(s);
      }
    }
    var buf = Unpooled.buffer(1024);
    try (JsonGenerator g =
        JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeObjectFieldStart("data");
      for (var e : byType.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (EndpointStatus s : e.getValue()) {
          write(g, s);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    }
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    return r;
  }

  private static void write(JsonGenerator g, EndpointStatus s) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", s.address());
    g.writeStringField("lastCheck", Instant.ofEpochMilli(s.lastCheckMillis()).toString());
    if (s.lastError() == null) {
      g.writeNullField("lastError");
    } else {
      g.writeStringField("lastError", s.lastError());
    }
    g.writeArrayFieldStart("labelSets");
    for (Labels set : s.info().labelSets()) {
      g.writeStartObject();
      for (var l : set.toMap().entrySet()) {
        g.writeStringField(l.getKey(), l.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("minTime", s.info().minTime());
    g.writeNumberField("maxTime", s.info().maxTime());
    g.writeEndObject();
  }
}
