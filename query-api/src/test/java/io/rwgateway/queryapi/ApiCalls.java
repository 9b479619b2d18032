package io.rwgateway.queryapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds requests, calls the API, and reads and releases the responses (leak detection is
 * paranoid).
 */
final class ApiCalls {
  private ApiCalls() {}

  /** What a test keeps of a response once its buffer is released. */
  record Answer(int status, String contentType, String contentEncoding, String allow, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static FullHttpRequest request(HttpMethod method, String uri, byte[] body, String... headers) {
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            method,
            uri,
            body == null ? Unpooled.buffer(0) : Unpooled.wrappedBuffer(body));
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().add(headers[i], headers[i + 1]);
    }
    return req;
  }

  /** Calls {@code handle}, releases request and response, and returns what the response held. */
  static Answer call(PrometheusApi api, FullHttpRequest req) {
    try {
      FullHttpResponse res = api.handle(req);
      assertNotNull(res, "endpoint not recognised: " + req.uri());
      assertEquals(
          1, req.refCnt(), "the caller owns the request; handle() must not release or retain it");
      try {
        return new Answer(
            res.status().code(),
            res.headers().get(HttpHeaderNames.CONTENT_TYPE),
            res.headers().get(HttpHeaderNames.CONTENT_ENCODING),
            res.headers().get(HttpHeaderNames.ALLOW),
            ByteBufUtil.getBytes(res.content()));
      } finally {
        res.release();
      }
    } finally {
      req.release();
    }
  }

  /** Asserts that {@code handle} leaves a GET of each uri to the caller (null: not an endpoint). */
  static void assertNotOurs(PrometheusApi api, String... uris) {
    for (String uri : uris) {
      FullHttpRequest req = request(HttpMethod.GET, uri, null);
      try {
        assertNull(api.handle(req), uri);
      } finally {
        req.release();
      }
    }
  }

  static Answer get(PrometheusApi api, String uri, String... headers) {
    return call(api, request(HttpMethod.GET, uri, null, headers));
  }

  static Answer postForm(PrometheusApi api, String uri, String form, String... headers) {
    FullHttpRequest req =
        request(HttpMethod.POST, uri, form.getBytes(StandardCharsets.UTF_8), headers);
    req.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8");
    return call(api, req);
  }
}
