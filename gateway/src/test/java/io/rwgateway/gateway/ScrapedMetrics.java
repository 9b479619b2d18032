package io.rwgateway.gateway;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A /metrics page in Prometheus' text format, parsed into samples, with lookups by name and a
 * subset of labels (as a PromQL selector with only {@code =} matchers would select).
 */
final class ScrapedMetrics {
  record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  ScrapedMetrics(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      samples.add(parse(line));
    }
  }

  /** The registry's samples as a scrape would show them (also after its server stopped). */
  static ScrapedMetrics of(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return new ScrapedMetrics(out.toString(StandardCharsets.UTF_8));
  }

  private static Sample parse(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = line.lastIndexOf('}');
      String body = line.substring(brace + 1, end);
      int i = 0;
      while (i < body.length()) {
        int eq = body.indexOf('=', i);
        String key = body.substring(i, eq);
        StringBuilder v = new StringBuilder();
        int j = eq + 2; // past ="
        while (body.charAt(j) != '"') {
          if (body.charAt(j) == '\\') {
            j++;
          }
          v.append(body.charAt(j));
          j++;
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (i < body.length() && body.charAt(i) == ',') {
          i++;
        }
      }
    } else {
      name = line.substring(0, space);
    }
    return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
  }

  /** The samples of {@code name} whose labels include all of {@code labels}. */
  List<Sample> select(String name, Map<String, String> labels) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
        out.add(s);
      }
    }
    return out;
  }

  /** The sum of the selected samples; fails when none is selected. */
  double sum(String name, Map<String, String> labels) {
    List<Sample> s = select(name, labels);
    if (s.isEmpty()) {
      throw new AssertionError("no sample " + name + labels + " in:\n" + lines(name));
    }
    return s.stream().mapToDouble(Sample::value).sum();
  }

  double sum(String name) {
    return sum(name, Map.of());
  }

  /** Whether any sample of {@code name} (or of its {@code _bucket}/{@code _count}) is here. */
  boolean has(String name) {
    for (Sample s : samples) {
      if (s.name().equals(name)
          || s.name().equals(name + "_count")
          || s.name().equals(name + "_bucket")) {
        return true;
      }
    }
    return false;
  }

  /** The page's lines about {@code name}, for failure messages. */
  String lines(String name) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith(name)) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }
}
