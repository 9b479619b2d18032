package io.rwgateway.gateway;

import io.rwgateway.model.Matcher;
import io.rwgateway.promql.parser.AggregateExpr;
import io.rwgateway.promql.parser.BinaryExpr;
import io.rwgateway.promql.parser.Call;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.MatrixSelector;
import io.rwgateway.promql.parser.ParenExpr;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.promql.parser.SubqueryExpr;
import io.rwgateway.promql.parser.UnaryExpr;
import io.rwgateway.promql.parser.VectorSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether the metric names a PromQL expression selects are exported by the roles its {@code job}
 * matcher selects. Each role's exposition is a scrape of a running gateway in the text format,
 * which is what a Prometheus without native histograms stores: a histogram is only its {@code
 * _bucket}, {@code _sum} and {@code _count} series there.
 */
final class MetricNameCheck {
  /** Series Prometheus makes itself for every target. */
  private static final Set<String> SYNTHETIC =
      Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

  /** Scrape job name (as the ServiceMonitors set it) to the series names that role exports. */
  private final Map<String, Exposition> roles = new LinkedHashMap<>();

  void role(String job, String textExposition) {
    roles.put(job, Exposition.parse(textExposition));
  }

  /**
   * Problems with one expression: it does not parse, or a selector names a metric no role it
   * selects exports. Empty when fine.
   */
  List<String> check(String where, String promql) {
    Expr e;
    try {
      e = PromqlParser.parse(promql);
    } catch (RuntimeException ex) {
      return List.of(where + ": does not parse: " + ex.getMessage() + "\n  " + promql);
    }
    List<String> out = new ArrayList<>();
    for (VectorSelector s : selectors(e, new ArrayList<>())) {
      String problem = checkSelector(s);
      if (problem != null) {
        out.add(where + ": " + problem + "\n  " + promql);
      }
    }
    return out;
  }

  private String checkSelector(VectorSelector s) {
    String name = s.name();
    if (name.isEmpty()) {
      return "selector " + s + " has no metric name";
    }
    List<String> jobs = new ArrayList<>();
    for (String job : roles.keySet()) {
      if (matchesJob(s, job)) {
        jobs.add(job);
      }
    }
    if (jobs.isEmpty()) {
      return "selector " + s + " matches none of the jobs " + roles.keySet();
    }
    if (SYNTHETIC.contains(name)) {
      return null;
    }
    for (String job : jobs) {
      if (roles.get(job).names.containsKey(name)) {
        return null;
      }
    }
    String hint = "";
    for (String job : jobs) {
      String family = roles.get(job).familyOf(name);
      if (family != null) {
        hint = " (" + family + ")";
        break;
      }
    }
    return name + " is not exported by " + String.join(", ", jobs) + hint;
  }

  private static boolean matchesJob(VectorSelector s, String job) {
    for (Matcher m : s.matchers()) {
      if (m.name().equals("job") && !m.matches(job)) {
        return false;
      }
    }
    return true;
  }

  static List<VectorSelector> selectors(Expr e, List<VectorSelector> out) {
    if (e instanceof VectorSelector v) {
      out.add(v);
    } else if (e instanceof MatrixSelector m) {
      out.add(m.selector());
    } else if (e instanceof SubqueryExpr s) {
      selectors(s.expr(), out);
    } else if (e instanceof Call c) {
      c.args().forEach(a -> selectors(a, out));
    } else if (e instanceof AggregateExpr a) {
      if (a.param() != null) {
        selectors(a.param(), out);
      }
      selectors(a.expr(), out);
    } else if (e instanceof BinaryExpr b) {
      selectors(b.lhs(), out);
      selectors(b.rhs(), out);
    } else if (e instanceof ParenExpr p) {
      selectors(p.expr(), out);
    } else if (e instanceof UnaryExpr u) {
      selectors(u.expr(), out);
    }
    return out;
  }

  /** The series names of one text exposition, from its {@code # TYPE} lines. */
  static final class Exposition {
    /** Series name to "family (type)". */
    final Map<String, String> names = new TreeMap<>();

    /** Family name to type. */
    final Map<String, String> families = new TreeMap<>();

    static Exposition parse(String text) {
      Exposition x = new Exposition();
      for (String line : text.split("\n")) {
        if (!line.startsWith("# TYPE ")) {
          continue;
        }
        String[] f = line.substring(7).trim().split(" ");
        x.family(f[0], f[1]);
      }
      return x;
    }

    private void family(String family, String type) {
      families.put(family, type);
      String what = family + " (" + type + ")";
      switch (type) {
        case "histogram", "gaugehistogram" -> {
          names.put(family + "_bucket", what);
          names.put(family + "_sum", what);
          names.put(family + "_count", what);
        }
        case "summary" -> {
          names.put(family, what);
          names.put(family + "_sum", what);
          names.put(family + "_count", what);
        }
        case "counter" -> {
          // The text format names a counter's family with its _total (client_java does); an
          // OpenMetrics-style family without it still has samples named with it.
          names.put(family.endsWith("_total") ? family : family + "_total", what);
        }
        default -> names.put(family, what);
      }
    }

    /**
     * What a name not exported is close to: the family it is a series of, with the suffixes its
     * type has (a histogram's bare name is a native histogram, which a classic scrape lacks).
     */
    String familyOf(String name) {
      for (String suffix : new String[] {"", "_bucket", "_sum", "_count", "_total"}) {
        if (!name.endsWith(suffix)) {
          continue;
        }
        String stem = name.substring(0, name.length() - suffix.length());
        for (String family : new String[] {stem, stem + "_total"}) {
          String type = families.get(family);
          if (type != null) {
            String what = family + " (" + type + ")";
            List<String> series =
                names.entrySet().stream()
                    .filter(e -> e.getValue().equals(what))
                    .map(Map.Entry::getKey)
                    .toList();
            return family + " is a " + type + " whose series are " + series;
          }
        }
      }
      return null;
    }
  }
}
