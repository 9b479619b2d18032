package io.rwgateway.uploader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.JsonStrings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The meta.json the sidecar uploads for a Prometheus block: Prometheus' meta.json with the {@code
 * thanos} section added, laid out as Thanos' sidecar writes it (docs/format/meta-json.md, "Blocks
 * shipped by the sidecar").
 *
 * <p>Prometheus' members are kept as they are, in their order, unknown ones included (a newer
 * Prometheus may add some); only the layout is Go's ({@code json.Encoder} with a tab indent, which
 * Prometheus' {@code MarshalIndent} already uses, plus the final newline Thanos' encoder adds). A
 * {@code thanos} member already there (Prometheus never writes one) is replaced.
 *
 * <p>The section holds what Thanos' shipper puts there for a Prometheus block: {@code labels} (the
 * external labels), {@code downsample.resolution} 0, {@code source} {@code "sidecar"}, {@code
 * segment_files} and {@code files}. NOTE: no {@code version} member: Thanos reads Prometheus' meta
 * (section version 0) and its encoder omits a zero version; readers take a missing version as 1.
 */
final class SidecarMetaJson {
  static final String SOURCE_SIDECAR = "sidecar";

  // NOTE: BigDecimal keeps a non-integral number's digits; Prometheus' meta has none (all its
  // numbers are Go integers), so this is only about not mangling what we do not know.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private SidecarMetaJson() {}

  /**
   * The uploaded meta.json for a block staged in {@code stagedDir} (its {@code chunks/} and {@code
   * index} already there): {@code prometheusMeta} plus the thanos section.
   *
   * @param prometheusMeta the bytes of the block's own meta.json
   * @param labels the external labels, written sorted by name as Go sorts map keys
   * @throws IOException when the meta.json is not a JSON object or the staged files cannot be read
   */
  static byte[] compose(byte[] prometheusMeta, Labels labels, Path stagedDir) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(prometheusMeta);
    } catch (JsonProcessingException e) {
      throw new IOException("meta.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("meta.json is not a JSON object");
    }
    ObjectNode meta = (ObjectNode) root;
    meta.remove("thanos");
    ObjectNode thanos = meta.putObject("thanos");
    ObjectNode labelsNode = thanos.putObject("labels");
    TreeMap<String, String> sorted = new TreeMap<>(LabelOrder.UTF8);
    labels.forEach(sorted::put);
    sorted.forEach(labelsNode::put);
    thanos.putObject("downsample").put("resolution", 0L);
    thanos.put("source", SOURCE_SIDECAR);

    List<String> segments = segments(stagedDir);
    if (!segments.isEmpty()) {
      ArrayNode segs = thanos.putArray("segment_files");
      segments.forEach(segs::add);
    }
    // Sorted by rel_path: chunks/..., index, meta.json (byte order, as Thanos sorts them).
    ArrayNode files = thanos.putArray("files");
    for (String seg : segments) {
      addFile(files, BlockLayout.CHUNKS_DIR + "/" + seg, stagedDir);
    }
    addFile(files, BlockLayout.INDEX_FILE, stagedDir);
    files.addObject().put("rel_path", BlockMeta.FILENAME);

    StringBuilder sb = new StringBuilder(2048);
    print(sb, meta, 0);
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The regular files of {@code chunks/}, sorted by name in byte order (as Go's ReadDir). */
  private static List<String> segments(Path stagedDir) throws IOException {
    List<String> out = new ArrayList<>();
    Path chunks = stagedDir.resolve(BlockLayout.CHUNKS_DIR);
    if (!Files.isDirectory(chunks)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(chunks)) {
      for (Path p : entries) {
        if (Files.isRegularFile(p)) {
          out.add(p.getFileName().toString());
        }
      }
    }
    out.sort(LabelOrder.UTF8);
    return out;
  }

  private static void addFile(ArrayNode files, String rel, Path stagedDir) throws IOException {
    ObjectNode f = files.addObject().put("rel_path", rel);
    long size = Files.size(stagedDir.resolve(rel));
    // NOTE: Go's omitempty drops a zero size_bytes, so an empty file has no size here either.
    if (size != 0) {
      f.put("size_bytes", size);
    }
  }

  /**
   * Appends {@code n} as Go's {@code json.MarshalIndent(v, "", "\t")} writes it: one member or
   * element per line, a tab per level, {@code {}} and {@code []} when empty, strings escaped as Go
   * does.
   */
  static void print(StringBuilder sb, JsonNode n, int depth) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        if (n.isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append('{');
        String sep = "";
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          sb.append(sep);
          newline(sb, depth + 1);
          quote(sb, e.getKey());
          sb.append(": ");
          print(sb, e.getValue(), depth + 1);
          sep = ",";
        }
        newline(sb, depth);
        sb.append('}');
      }
      case ARRAY -> {
        if (n.isEmpty()) {
          sb.append("[]");
          return;
        }
        sb.append('[');
        String sep = "";
        for (JsonNode e : n) {
          sb.append(sep);
          newline(sb, depth + 1);
          print(sb, e, depth + 1);
          sep = ",";
        }
        newline(sb, depth);
        sb.append(']');
      }
      case STRING -> quote(sb, n.textValue());
      case NUMBER ->
          sb.append(
              n.isIntegralNumber() ? n.bigIntegerValue().toString() : n.decimalValue().toString());
      case BOOLEAN -> sb.append(n.booleanValue());
      default -> sb.append("null");
    }
  }

  /** Go's {@code encoding/json} quoting (HTML-safe; Go 1.22+), as the tsdb writes meta.json. */
  static void quote(StringBuilder sb, String s) {
    JsonStrings.quote(sb, s);
  }

  private static void newline(StringBuilder sb, int depth) {
    sb.append('\n');
    for (int i = 0; i < depth; i++) {
      sb.append('\t');
    }
  }
}
