package io.rwgateway.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link ModuleRules} fails on the bad classes under {@code fixture}, naming the
 * offending dependency: a rule that cannot fail would let {@link ArchitectureTest} pass on
 * anything.
 */
class ArchitectureRulesSelfTest {
  private static final String ROOT = "io.rwgateway.architecture.fixture";
  private static final ModuleRules RULES = new ModuleRules(ROOT);
  private static JavaClasses fixture;

  @BeforeAll
  static void importFixture() {
    fixture = new ClassFileImporter().importPackages(ROOT);
  }

  private static String violations(ArchRule rule) {
    return assertThrows(AssertionError.class, () -> rule.check(fixture)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected \"" + p + "\" in:\n" + message);
    }
  }

  @Test
  void moduleArrowsRejectAnImportAgainstTheArrows() {
    String m = violations(RULES.moduleArrows());
    assertMentions(m, ROOT + ".wal.Wal", ROOT + ".ingest.Handler");
    assertMentions(m, ROOT + ".tsdb.head.Head", ROOT + ".tsdb.block.Block");
    assertMentions(m, ROOT + ".uploader.Shipper", ROOT + ".tsdb.db.Tsdb");
  }

  @Test
  void cycleRuleRejectsTwoPackagesThatUseEachOther() {
    String m = violations(RULES.noPackageCycles());
    assertMentions(m, "Cycle detected", "tsdb.head", "tsdb.block");
  }

  @Test
  void modelRuleRejectsALibrary() {
    assertMentions(
        violations(RULES.modelUsesOnlyTheJdkAndRe2()), ROOT + ".model.Label", "org.slf4j");
  }

  @Test
  void protoRuleRejectsALibrary() {
    assertMentions(
        violations(RULES.protoUsesOnlyProtobufAndGrpc()), ROOT + ".proto.Types", "org.slf4j");
  }

  @Test
  void regexRuleRejectsJavaUtilRegex() {
    assertMentions(
        violations(RULES.noBacktrackingRegex()), ROOT + ".ingest.Selector", "java.util.regex");
  }
}
