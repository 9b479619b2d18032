package io.rwgateway.ingest.limits;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rwgateway.ingest.limits.WriteLimits.TenantLimits;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads Thanos Receive's limits YAML (its {@code --receive.limits-config-file}) unchanged:
 *
 * <pre>
 * write:
 *   global:
 *     max_concurrency: 30
 *     meta_monitoring_url: "http://prometheus:9090"    # accepted; see docs/limits.md
 *     meta_monitoring_limit_query: "..."
 *     meta_monitoring_http_client: {...}
 *   default:
 *     request:
 *       size_bytes_limit: 1048576
 *       series_limit: 1000
 *       samples_limit: 10000
 *     head_series_limit: 100000
 *   tenants:
 *     acme:
 *       request: {series_limit: 0}
 *       head_series_limit: 2000
 * </pre>
 *
 * Strict as Thanos' (which unmarshals strictly): an unknown key, a value of the wrong type or a
 * negative head series limit is an error naming the key. An empty document means no limits.
 */
public final class WriteLimitsParser {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private WriteLimitsParser() {}

  public static WriteLimits parse(String yaml) throws LimitsConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new LimitsConfigException("parsing config YAML file: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return WriteLimits.NONE;
    }
    object(root, "", Set.of("write"));
    JsonNode write = root.get("write");
    if (write == null || write.isNull()) {
      return WriteLimits.NONE;
    }
    object(write, "write", Set.of("global", "default", "tenants"));

    long maxConcurrency = 0;
    String metaUrl = null;
    JsonNode global = write.get("global");
    if (global != null && !global.isNull()) {
      object(
          global,
          "write.global",
          Set.of(
              "max_concurrency",
              "meta_monitoring_url",
              "meta_monitoring_http_client",
              "meta_monitoring_limit_query"));
      maxConcurrency = integer(global, "write.global", "max_concurrency", 0, false);
      metaUrl = string(global, "write.global", "meta_monitoring_url");
      string(global, "write.global", "meta_monitoring_limit_query");
      if (metaUrl != null && !metaUrl.matches("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s]+.*")) {
        throw new LimitsConfigException(
            metaUrl + " is not a valid meta-monitoring URL (write.global.meta_monitoring_url)");
      }
    }

    Long[] base = {0L, 0L, 0L, 0L};
    JsonNode def = write.get("default");
    if (def != null && !def.isNull()) {
      Long[] d = limits(def, "write.default");
      for (int i = 0; i < base.length; i++) {
        if (d[i] != null) {
          base[i] = d[i];
        }
      }
    }
    TenantLimits defaults = new TenantLimits(base[0], base[1], base[2], base[3]);

    Map<String, TenantLimits> tenants = new HashMap<>();
    JsonNode ts = write.get("tenants");
    if (ts != null && !ts.isNull()) {
      if (!ts.isObject()) {
        throw new LimitsConfigException("write.tenants must be a mapping of tenant to limits");
      }
      for (Map.Entry<String, JsonNode> e : ts.properties()) {
        Long[] t = {null, null, null, null};
        if (!e.getValue().isNull()) {
          t = limits(e.getValue(), "write.tenants." + e.getKey());
        }
        tenants.put(
            e.getKey(),
            new TenantLimits(
                t[0] != null ? t[0] : base[0],
                t[1] != null ? t[1] : base[1],
                t[2] != null ? t[2] : base[2],
                t[3] != null ? t[3] : base[3]));
      }
    }
    return new WriteLimits(maxConcurrency, defaults, tenants, metaUrl);
  }

  /** size, series, samples, head series of one limits block; null where not set. */
  private static Long[] limits(JsonNode n, String path) throws LimitsConfigException {
    object(n, path, Set.of("request", "head_series_limit"));
    Long[] out = {null, null, null, null};
    JsonNode req = n.get("request");
    if (req != null && !req.isNull()) {
      String rp = path + ".request";
      object(req, rp, Set.of("size_bytes_limit", "series_limit", "samples_limit"));
      out[0] = optional(req, rp, "size_bytes_limit", false);
      out[1] = optional(req, rp, "series_limit", false);
      out[2] = optional(req, rp, "samples_limit", false);
    }
    // An unsigned integer in Thanos: a negative value does not parse.
    out[3] = optional(n, path, "head_series_limit", true);
    return out;
  }

  private static void object(JsonNode n, String path, Set<String> keys)
      throws LimitsConfigException {
    String where = path.isEmpty() ? "the document" : path;
    if (!n.isObject()) {
      throw new LimitsConfigException(where + " must be a mapping, not " + describe(n));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw new LimitsConfigException(
            "unknown key "
                + (path.isEmpty() ? k : path + "." + k)
                + " (known here: "
                + String.join(", ", new java.util.TreeSet<>(keys))
                + ")");
      }
    }
  }

  private static Long optional(JsonNode n, String path, String key, boolean unsigned)
      throws LimitsConfigException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    return integer(n, path, key, 0, unsigned);
  }

  private static long integer(JsonNode n, String path, String key, long dflt, boolean unsigned)
      throws LimitsConfigException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new LimitsConfigException(path + "." + key + " must be an integer, not " + describe(v));
    }
    long x = v.asLong();
    if (unsigned && x < 0) {
      throw new LimitsConfigException(
          path + "." + key + " must not be negative (it is an unsigned count), not " + x);
    }
    return x;
  }

  private static String string(JsonNode n, String path, String key) throws LimitsConfigException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new LimitsConfigException(path + "." + key + " must be a string, not " + describe(v));
    }
    return v.asText().isEmpty() ? null : v.asText();
  }

  private static String describe(JsonNode v) {
    String text = v.toString();
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
  }
}
