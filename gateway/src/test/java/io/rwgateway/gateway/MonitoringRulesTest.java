package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting rules of {@code k8s/base/monitoring}: the rendered PrometheusRule's spec passes
 * {@code promtool check rules} and the unit tests beside it ({@code tests/*.yaml}) pass {@code
 * promtool test rules}; every alert has a case where it fires and one where it does not, a {@code
 * for}, a severity, a summary, a description and a runbook section in docs/monitoring.md.
 */
class MonitoringRulesTest {
  static final String RULE_FILE = "rwgateway.rules.yaml";
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  @TempDir Path dir;

  @Test
  void rulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
    MonitoringFiles m = MonitoringFiles.render();
    m.writeRuleFile(dir.resolve(RULE_FILE));
    Result check = promtool("check", "rules", dir.resolve(RULE_FILE).toString());
    assertEquals(0, check.code, check.output);
    assertTrue(
        check.output.contains("SUCCESS: " + m.rules().size() + " rules found"), check.output);

    List<Path> tests = copyUnitTests(dir);
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    tests.forEach(t -> args.add(t.toString()));
    Result run = promtool(args.toArray(new String[0]));
    assertEquals(0, run.code, run.output);
  }

  /** The harness notices a unit test that expects the wrong thing (it can fail). */
  @Test
  void promtoolFailsAUnitTestWithAWrongExpectation() throws Exception {
    MonitoringFiles.render().writeRuleFile(dir.resolve(RULE_FILE));
    Path test = copyUnitTests(dir).get(0);
    String text = Files.readString(test);
    String broken = text.replaceFirst("severity: critical", "severity: warning");
    assertNotEquals(text, broken);
    Files.writeString(test, broken);
    Result run = promtool("test", "rules", test.toString());
    assertNotEquals(0, run.code, run.output);
    assertTrue(run.output.contains("FAILED"), run.output);
  }

  @Test
  void everyAlertHasAFiringAndAQuietUnitTest() throws Exception {
    List<String> alerts = alertNames(MonitoringFiles.render().rules());
    assertTrue(alerts.size() >= 10, alerts.toString());
    List<String> missing = untested(alerts, unitTestCases());
    assertEquals(List.of(), missing, "alerts without a firing and a not-firing unit test");
  }

  @Test
  void anAlertWithoutUnitTestsIsReported() throws Exception {
    List<String> missing =
        untested(List.of("RwgatewayReceiveDown", "NotTestedAnywhere"), unitTestCases());
    assertEquals(
        List.of("NotTestedAnywhere: no case where it fires, no case where it is quiet"), missing);
  }

  @Test
  void everyAlertHasForSeverityAnnotationsAndARunbookSection() throws Exception {
    String doc = Files.readString(MonitoringFiles.repoRoot().resolve("docs/monitoring.md"));
    List<String> problems = new ArrayList<>();
    for (JsonNode rule : MonitoringFiles.render().rules()) {
      String alert = rule.path("alert").asText();
      if (alert.isEmpty()) {
        continue;
      }
      if (rule.path("for").asText().isEmpty()) {
        problems.add(alert + ": no for");
      }
      if (!SEVERITIES.contains(rule.path("labels").path("severity").asText())) {
        problems.add(alert + ": severity not one of " + SEVERITIES);
      }
      JsonNode a = rule.path("annotations");
      for (String key : List.of("summary", "description", "runbook")) {
        if (a.path(key).asText().isBlank()) {
          problems.add(alert + ": no " + key + " annotation");
        }
      }
      String anchor = "docs/monitoring.md#" + alert.toLowerCase(Locale.ROOT);
      if (!a.path("runbook").asText().equals(anchor)) {
        problems.add(alert + ": runbook should be " + anchor);
      }
      if (!doc.contains("\n### " + alert + "\n")) {
        problems.add(alert + ": no section \"### " + alert + "\" in docs/monitoring.md");
      }
    }
    assertEquals(List.of(), problems);
  }

  // --- helpers

  static List<String> alertNames(List<JsonNode> rules) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : rules) {
      if (r.hasNonNull("alert")) {
        out.add(r.get("alert").asText());
      }
    }
    return out;
  }

  /** One alert_rule_test entry: which alert, and whether it expects it to fire. */
  record Case(String alert, boolean fires) {}

  static List<Case> unitTestCases() throws Exception {
    List<Case> out = new ArrayList<>();
    for (Path file : unitTestFiles()) {
      JsonNode doc = MonitoringFiles.YAML.readTree(file.toFile());
      assertEquals(
          List.of(RULE_FILE),
          MonitoringFiles.YAML.convertValue(doc.path("rule_files"), List.class),
          file + " must test the rendered rules, " + RULE_FILE);
      for (JsonNode t : doc.path("tests")) {
        for (JsonNode c : t.path("alert_rule_test")) {
          out.add(new Case(c.path("alertname").asText(), c.path("exp_alerts").size() > 0));
        }
      }
    }
    return out;
  }

  /** Alerts lacking a firing case or a quiet case, with what is missing. */
  static List<String> untested(List<String> alerts, List<Case> cases) {
    List<String> out = new ArrayList<>();
    for (String alert : alerts) {
      boolean fires = cases.contains(new Case(alert, true));
      boolean quiet = cases.contains(new Case(alert, false));
      if (!fires && !quiet) {
        out.add(alert + ": no case where it fires, no case where it is quiet");
      } else if (!fires) {
        out.add(alert + ": no case where it fires");
      } else if (!quiet) {
        out.add(alert + ": no case where it is quiet");
      }
    }
    return out;
  }

  static List<Path> unitTestFiles() throws Exception {
    try (Stream<Path> s = Files.list(MonitoringFiles.dir().resolve("tests"))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertFalse(files.isEmpty(), "no unit tests in k8s/base/monitoring/tests");
      return files;
    }
  }

  /** The unit tests copied beside the rule file they name. */
  private static List<Path> copyUnitTests(Path to) throws Exception {
    List<Path> out = new ArrayList<>();
    for (Path f : unitTestFiles()) {
      Path copy = to.resolve(f.getFileName());
      Files.copy(f, copy);
      out.add(copy);
    }
    return out;
  }

  record Result(int code, String output) {}

  static Result promtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ExternalProcess.requireBinary("promtool"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool " + String.join(" ", args));
    return new Result(p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
  }
}
