package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The monitoring kustomization ({@code k8s/base/monitoring}) as the cluster gets it: rendered with
 * {@code kubectl kustomize}, so that the tests check what is applied (the PrometheusRule's spec and
 * the dashboards inside their generated ConfigMaps), not the source files beside it.
 */
final class MonitoringFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> objects;

  private MonitoringFiles(List<JsonNode> objects) {
    this.objects = objects;
  }

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s/base/monitoring"))) {
      p = p.getParent();
    }
    if (p == null) {
      fail("no k8s/base/monitoring above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static Path dir() {
    return repoRoot().resolve("k8s/base/monitoring");
  }

  /** Renders the kustomization; fails (never skips) without kubectl. */
  static MonitoringFiles render() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("kubectl", "kustomize", dir().toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return fail(
          "kubectl is needed to render k8s/base/monitoring (apt-get install -y kubectl): "
              + e.getMessage());
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "kubectl kustomize k8s/base/monitoring failed:\n" + text);
    List<JsonNode> objects = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && !doc.isNull()) {
          objects.add(doc);
        }
      }
    }
    return new MonitoringFiles(objects);
  }

  /** The one PrometheusRule's {@code spec}: what Prometheus loads as a rule file. */
  ObjectNode ruleSpec() {
    List<JsonNode> rules =
        objects.stream().filter(o -> "PrometheusRule".equals(o.path("kind").asText())).toList();
    assertEquals(1, rules.size(), "one PrometheusRule in k8s/base/monitoring");
    assertEquals("monitoring.coreos.com/v1", rules.get(0).path("apiVersion").asText());
    return (ObjectNode) rules.get(0).get("spec");
  }

  /** Every alerting and recording rule of the spec, in order. */
  List<JsonNode> rules() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : ruleSpec().withArray("groups")) {
      group.withArray("rules").forEach(out::add);
    }
    return out;
  }

  /**
   * The dashboards, by file name, as the rendered ConfigMaps carry them; each ConfigMap must have
   * the label Grafana's dashboard sidecar selects.
   */
  Map<String, JsonNode> dashboards() throws IOException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode o : objects) {
      if (!"ConfigMap".equals(o.path("kind").asText())) {
        continue;
      }
      assertEquals(
          "1",
          o.path("metadata").path("labels").path("grafana_dashboard").asText(),
          "ConfigMap " + o.path("metadata").path("name") + " needs grafana_dashboard: \"1\"");
      for (Map.Entry<String, JsonNode> e : o.path("data").properties()) {
        assertTrue(e.getKey().endsWith(".json"), "dashboard file name " + e.getKey());
        out.put(e.getKey(), JSON.readTree(e.getValue().asText()));
      }
    }
    return out;
  }

  /** Writes the rule spec as a plain rule file, for promtool. */
  void writeRuleFile(Path file) throws IOException {
    Files.writeString(file, YAML.writeValueAsString(ruleSpec()));
  }

  /** The panels of a dashboard, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      if (p.path("panels") instanceof ArrayNode nested) {
        nested.forEach(out::add);
      }
    }
    return out;
  }
}
