package io.rwgateway.queryapi;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The endpoints that describe the server rather than a tenant's data: {@code
 * /api/v1/status/buildinfo}, {@code /api/v1/status/flags}, and {@code /api/v1/rules} and {@code
 * /api/v1/alerts}, which are empty because the gateway evaluates no rules (yet).
 */
final class StatusEndpoints {
  static final String BUILD_INFO = "/api/v1/status/buildinfo";
  static final String FLAGS = "/api/v1/status/flags";
  static final String RULES = "/api/v1/rules";
  static final String ALERTS = "/api/v1/alerts";

  private final BuildInfo build;
  private final SortedMap<String, String> flags;

  StatusEndpoints(BuildInfo build, Map<String, String> flags) {
    this.build = build;
    // Go encodes a map with its keys sorted; flag names are ASCII, so String order is byte order.
    this.flags = new TreeMap<>(flags);
  }

  FullHttpResponse buildInfo() {
    return JsonResponses.success(
        g -> {
          g.writeStartObject();
          g.writeStringField("version", build.version());
          g.writeStringField("revision", build.revision());
          g.writeStringField("branch", build.branch());
          g.writeStringField("buildUser", build.buildUser());
          g.writeStringField("buildDate", build.buildDate());
          g.writeStringField("goVersion", build.goVersion());
          g.writeEndObject();
        },
        List.of());
  }

  FullHttpResponse flags() {
    return JsonResponses.success(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, String> f : flags.entrySet()) {
            g.writeStringField(f.getKey(), f.getValue());
          }
          g.writeEndObject();
        },
        List.of());
  }

  /** No rule groups; {@code type} is still checked, as Prometheus checks it. */
  FullHttpResponse rules(FormParams params) {
    String type = params.first("type").toLowerCase(Locale.ROOT);
    if (!type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
      throw ApiException.invalidParam("type", "not supported value \"" + type + "\"");
    }
    return emptyList("groups");
  }

  FullHttpResponse alerts() {
    return emptyList("alerts");
  }

  /** {@code {"<field>":[]}}: Prometheus writes an empty list, never null, for both. */
  private static FullHttpResponse emptyList(String field) {
    return JsonResponses.success(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart(field);
          g.writeEndArray();
          g.writeEndObject();
        },
        List.of());
  }
}
