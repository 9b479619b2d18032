package io.rwgateway.tsdb.layout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.model.LabelOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses a {@code meta.json} into a {@link BlockMeta} (fields: docs/format/meta-json.md). Works on
 * Jackson's tree rather than data binding, so unknown keys (Thanos' {@code rewrites}, {@code
 * hints}, Prometheus' {@code parents}, ...) are simply not looked at, and every error can name the
 * key and the file.
 */
final class MetaJsonReader {
  /** Thread-safe once configured; reading trees needs no configuration. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;

  private MetaJsonReader(Path file) {
    this.file = file;
  }

  static BlockMeta read(Path file) throws IOException {
    return new MetaJsonReader(file).parse(Files.readAllBytes(file));
  }

  private BlockMeta parse(byte[] json) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw fail("top level is not a JSON object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.asLong() != BlockMeta.VERSION) {
      throw fail(
          "unsupported meta.json version " + version + " (only " + BlockMeta.VERSION + " is read)");
    }
    String ulid = requiredText(root, "ulid");
    if (!Ulid.isValid(ulid)) {
      throw fail("\"ulid\" is not a ULID: \"" + ulid + "\"");
    }
    long minTime = requiredLong(root, "minTime");
    long maxTime = requiredLong(root, "maxTime");
    if (minTime > maxTime) {
      throw fail("minTime " + minTime + " is after maxTime " + maxTime);
    }

    JsonNode stats = object(root, "stats");
    JsonNode compaction = object(root, "compaction");
    JsonNode thanos = object(root, "thanos");
    JsonNode downsample = object(thanos, "downsample");
    return new BlockMeta(
        ulid,
        minTime,
        maxTime,
        optionalLong(stats, "numSamples", 0),
        optionalLong(stats, "numSeries", 0),
        optionalLong(stats, "numChunks", 0),
        (int) optionalLong(compaction, "level", 0),
        strings(compaction, "sources"),
        labels(thanos),
        optionalText(thanos, "source"),
        optionalLong(downsample, "resolution", 0),
        strings(thanos, "segment_files"),
        files(thanos));
  }

  /** The object under {@code key}; null when absent or JSON null (all its members then default). */
  private JsonNode object(JsonNode parent, String key) throws IOException {
    JsonNode n = parent == null ? null : parent.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw fail("\"" + key + "\" is not an object");
    }
    return n;
  }

  private String requiredText(JsonNode parent, String key) throws IOException {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      throw fail("\"" + key + "\" is missing");
    }
    if (!n.isTextual()) {
      throw fail("\"" + key + "\" is not a string");
    }
    return n.asText();
  }

  private String optionalText(JsonNode parent, String key) throws IOException {
    JsonNode n = parent == null ? null : parent.get(key);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw fail("\"" + key + "\" is not a string");
    }
    return n.asText();
  }

  private long requiredLong(JsonNode parent, String key) throws IOException {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      throw fail("\"" + key + "\" is missing");
    }
    return toLong(n, key);
  }

  private long optionalLong(JsonNode parent, String key, long dflt) throws IOException {
    JsonNode n = parent == null ? null : parent.get(key);
    return n == null || n.isNull() ? dflt : toLong(n, key);
  }

  private long toLong(JsonNode n, String key) throws IOException {
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw fail("\"" + key + "\" is not a 64-bit integer: " + n);
    }
    return n.asLong();
  }

  private List<String> strings(JsonNode parent, String key) throws IOException {
    JsonNode n = parent == null ? null : parent.get(key);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw fail("\"" + key + "\" is not an array");
    }
    List<String> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw fail("\"" + key + "\" holds a non-string element: " + e);
      }
      out.add(e.asText());
    }
    return out;
  }

  private Map<String, String> labels(JsonNode thanos) throws IOException {
    JsonNode n = object(thanos, "labels");
    Map<String, String> out = new TreeMap<>(LabelOrder.UTF8);
    if (n == null) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isTextual()) {
        throw fail("label \"" + e.getKey() + "\" in \"thanos.labels\" is not a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private List<BlockMeta.FileEntry> files(JsonNode thanos) throws IOException {
    JsonNode n = thanos == null ? null : thanos.get("files");
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw fail("\"files\" is not an array");
    }
    List<BlockMeta.FileEntry> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      if (!e.isObject()) {
        throw fail("\"files\" holds a non-object element: " + e);
      }
      out.add(
          new BlockMeta.FileEntry(requiredText(e, "rel_path"), optionalLong(e, "size_bytes", -1)));
    }
    return out;
  }

  private IOException fail(String message) {
    return new IOException(file + ": " + message);
  }
}
