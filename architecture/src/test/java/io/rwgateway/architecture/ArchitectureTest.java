package io.rwgateway.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production classes of every module obey docs/architecture.md. */
class ArchitectureTest {
  private static final ModuleRules RULES = new ModuleRules("io.rwgateway");
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.rwgateway");
    // Guard against a classpath that silently lost a module: then every rule would pass.
    for (String pkg :
        new String[] {
          "proto.prompb",
          "model",
          "wal",
          "tsdb",
          "tsdb.head",
          "tsdb.block",
          "tsdb.db",
          "tsdb.layout",
          "tsdb.chunk",
          "hashring",
          "ingest",
          "uploader",
          "promql.parser",
          "queryapi",
          "sidecar",
          "gateway",
          "perf"
        }) {
      assertTrue(
          classes.containPackage("io.rwgateway." + pkg),
          "no classes imported from io.rwgateway." + pkg);
    }
  }

  @Test
  void modulesUseOnlyWhatTheirArrowsAllow() {
    RULES.moduleArrows().check(classes);
  }

  @Test
  void packagesFormNoCycles() {
    RULES.noPackageCycles().check(classes);
  }

  @Test
  void modelUsesOnlyTheJdkAndRe2() {
    RULES.modelUsesOnlyTheJdkAndRe2().check(classes);
  }

  @Test
  void protoUsesOnlyProtobufAndGrpc() {
    RULES.protoUsesOnlyProtobufAndGrpc().check(classes);
  }

  @Test
  void noClassUsesTheBacktrackingRegexEngine() {
    RULES.noBacktrackingRegex().check(classes);
  }
}
