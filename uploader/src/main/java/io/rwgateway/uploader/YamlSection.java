package io.rwgateway.uploader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rwgateway.model.PromDuration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One YAML mapping of the objstore config, read strictly: created with the keys it accepts, it
 * refuses any other key at once, naming it by its dotted path and listing the accepted ones (as
 * Thanos' {@code yaml.UnmarshalStrict} does, with a friendlier message). Typed getters name the key
 * on a wrong type. A null value ({@code key:} with nothing after it) reads as absent.
 *
 * <p>Keys accepted for compatibility but not acted on are recorded with {@link #ignore} into a
 * shared list, so the caller can warn about them once.
 */
final class YamlSection {
  private final ObjectNode node;
  private final String path;
  private final List<String> ignored;

  private YamlSection(ObjectNode node, String path, List<String> ignored) {
    this.node = node;
    this.path = path;
    this.ignored = ignored;
  }

  /** The top-level mapping ({@code path} empty). */
  static YamlSection root(JsonNode node, List<String> ignored, String... accepted)
      throws ObjstoreConfigException {
    if (!(node instanceof ObjectNode o)) {
      throw new ObjstoreConfigException(
          "the objstore config must be a YAML mapping with keys " + String.join(", ", accepted));
    }
    return new YamlSection(o, "", ignored).checkKeys(accepted);
  }

  /** The mapping under {@code key}; an empty one when absent or null. */
  YamlSection section(String key, String... accepted) throws ObjstoreConfigException {
    JsonNode v = value(key);
    if (v == null) {
      return new YamlSection(JsonNodeFactory.instance.objectNode(), path(key), ignored);
    }
    if (!(v instanceof ObjectNode o)) {
      throw new ObjstoreConfigException(path(key) + " must be a mapping, got " + kind(v));
    }
    return new YamlSection(o, path(key), ignored).checkKeys(accepted);
  }

  private YamlSection checkKeys(String... accepted) throws ObjstoreConfigException {
    List<String> ok = List.of(accepted);
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String k = e.getKey();
      if (!ok.contains(k)) {
        throw new ObjstoreConfigException(
            "unknown key "
                + path(k)
                + " in the objstore config; accepted "
                + (path.isEmpty() ? "top-level keys" : "keys under " + path)
                + ": "
                + String.join(", ", accepted));
      }
    }
    return this;
  }

  /** The dotted path of {@code key} in this section, for messages. */
  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return value(key) != null;
  }

  private JsonNode value(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /**
   * A scalar as text (numbers and booleans too, as Go's YAML would for a string field), or null.
   */
  String string(String key) throws ObjstoreConfigException {
    JsonNode v = value(key);
    if (v == null) {
      return null;
    }
    if (!v.isValueNode()) {
      throw new ObjstoreConfigException(path(key) + " must be a string, got " + kind(v));
    }
    return v.asText();
  }

  /** {@code true/false}, also YAML 1.1's {@code yes/no/on/off} that Thanos' YAML parser accepts. */
  boolean bool(String key, boolean def) throws ObjstoreConfigException {
    JsonNode v = value(key);
    if (v == null) {
      return def;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      switch (v.textValue().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "y":
          return true;
        case "false", "no", "off", "n":
          return false;
        default:
          break;
      }
    }
    throw new ObjstoreConfigException(path(key) + " must be true or false, got " + v);
  }

  long integer(String key, long def, long min) throws ObjstoreConfigException {
    JsonNode v = value(key);
    if (v == null) {
      return def;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new ObjstoreConfigException(path(key) + " must be a whole number, got " + v);
    }
    if (v.longValue() < min) {
      throw new ObjstoreConfigException(path(key) + " must be at least " + min + ", got " + v);
    }
    return v.longValue();
  }

  /** A Prometheus-style duration ({@code 90s}, {@code 2m}, {@code 1h30m}). */
  Duration duration(String key, Duration def) throws ObjstoreConfigException {
    String s = string(key);
    if (s == null) {
      return def;
    }
    Duration d = PromDuration.parse(s);
    if (d == null) {
      throw new ObjstoreConfigException(
          path(key) + " must be a duration such as 90s, 2m or 1h30m, got \"" + s + "\"");
    }
    return d;
  }

  /** A mapping of strings to strings; empty when absent. */
  Map<String, String> stringMap(String key) throws ObjstoreConfigException {
    JsonNode v = value(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof ObjectNode o)) {
      throw new ObjstoreConfigException(
          path(key) + " must be a mapping of strings, got " + kind(v));
    }
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!e.getValue().isValueNode()) {
        throw new ObjstoreConfigException(
            path(key) + "." + e.getKey() + " must be a string, got " + kind(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
    }
    return out;
  }

  /**
   * Records {@code key} as accepted-but-ignored when it is present with a value that asks for
   * something: not off ({@code false}, empty, zero) and not one of {@code harmless} (Thanos'
   * default for it). Keys left at such values change nothing, so warning about them would be noise.
   */
  void ignore(String key, String... harmless) {
    JsonNode v = value(key);
    if (v == null
        || (v.isBoolean() && !v.booleanValue())
        || (v.isNumber() && v.doubleValue() == 0)
        || (v.isContainerNode() && v.isEmpty())) {
      return;
    }
    if (v.isTextual()) {
      String t = v.textValue();
      if (t.isEmpty() || t.equalsIgnoreCase("false") || t.equals("0")) {
        return;
      }
    }
    for (String h : harmless) {
      if (v.isValueNode() && v.asText().equals(h)) {
        return;
      }
    }
    ignored.add(path(key));
  }

  /** For a nested section whose every key is ignored: records each meaningful one. */
  void ignoreAll() {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      ignore(e.getKey());
    }
  }

  private static String kind(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return "\"" + v.asText() + "\"";
  }
}
