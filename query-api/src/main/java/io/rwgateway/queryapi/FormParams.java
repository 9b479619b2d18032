package io.rwgateway.queryapi;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The form values of an API request: the URL query plus, for a POST with an {@code
 * application/x-www-form-urlencoded} body, the body. As in Go's {@code Request.Form}, body values
 * come first, so a single-valued parameter is taken from the body when both have it and {@code
 * match[]} is the union of both.
 */
final class FormParams {
  // NOTE: generous but bounded, so a hostile request cannot make the decoder build huge maps.
  private static final int MAX_PARAMS = 10_000;

  private final Map<String, List<String>> body;
  private final Map<String, List<String>> query;

  private FormParams(Map<String, List<String>> body, Map<String, List<String>> query) {
    this.body = body;
    this.query = query;
  }

  static FormParams of(FullHttpRequest req, QueryStringDecoder uri) {
    Map<String, List<String>> body = Collections.emptyMap();
    if (req.method().equals(HttpMethod.POST)
        && isForm(req.headers().get(HttpHeaderNames.CONTENT_TYPE))
        && req.content().isReadable()) {
      String text = req.content().toString(StandardCharsets.UTF_8);
      body =
          new QueryStringDecoder(text, StandardCharsets.UTF_8, false, MAX_PARAMS, true)
              .parameters();
    }
    return new FormParams(body, uri.parameters());
  }

  private static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return mime.equalsIgnoreCase(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString());
  }

  /** All values of {@code name}, body first; empty when absent. */
  List<String> all(String name) {
    List<String> b = body.get(name);
    List<String> q = query.get(name);
    if (b == null) {
      return q == null ? List.of() : q;
    }
    if (q == null) {
      return b;
    }
    List<String> both = new ArrayList<>(b.size() + q.size());
    both.addAll(b);
    both.addAll(q);
    return both;
  }

  /** The first value of {@code name}, or "" when absent (Go's {@code FormValue}). */
  String first(String name) {
    List<String> v = all(name);
    return v.isEmpty() ? "" : v.get(0);
  }
}
