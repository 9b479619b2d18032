package io.rwgateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;

/**
 * The module and package arrows of docs/architecture.md as ArchUnit rules, over the packages under
 * {@code root}. The root is a parameter so that {@link ArchitectureRulesSelfTest} can show each
 * rule failing on a small set of bad classes; {@link ArchitectureTest} applies them to ours.
 *
 * <p>A module is its package prefix ({@code <root>.ingest..}). {@code tsdb} is split into its
 * packages because other modules may see only some of them: the read/write API ({@code tsdb}
 * itself), the chunk encodings, the block and tenant layout, and the engine ({@code head}, {@code
 * block}, {@code db}). Modules that do not exist yet ({@code query}) already have their arrows, so
 * their first class is checked.
 */
final class ModuleRules {
  /** Every layer but gateway and perf: what gateway wires together. */
  private static final String[] WIRED_BY_GATEWAY = {
    "model", "proto", "wal", "hashring", "tsdb api", "tsdb chunk", "tsdb layout", "tsdb postings",
    "tsdb head", "tsdb block", "tsdb db", "ingest", "uploader", "promql", "query-api", "query",
    "sidecar"
  };

  private final String root;

  ModuleRules(String root) {
    this.root = root;
  }

  private String pkg(String module) {
    return root + "." + module + "..";
  }

  /** Which module may use which: everything not listed here is an error. */
  ArchRule moduleArrows() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage(root + "..")
        .withOptionalLayers(true)
        .layer("model")
        .definedBy(pkg("model"))
        .layer("proto")
        .definedBy(pkg("proto"))
        .layer("wal")
        .definedBy(pkg("wal"))
        .layer("hashring")
        .definedBy(pkg("hashring"))
        .layer("tsdb api")
        .definedBy(root + ".tsdb")
        .layer("tsdb chunk")
        .definedBy(pkg("tsdb.chunk"))
        .layer("tsdb layout")
        .definedBy(pkg("tsdb.layout"))
        .layer("tsdb postings")
        .definedBy(pkg("tsdb.postings"))
        .layer("tsdb head")
        .definedBy(pkg("tsdb.head"))
        .layer("tsdb block")
        .definedBy(pkg("tsdb.block"))
        .layer("tsdb db")
        .definedBy(pkg("tsdb.db"))
        .layer("ingest")
        .definedBy(pkg("ingest"))
        .layer("uploader")
        .definedBy(pkg("uploader"))
        .layer("promql")
        .definedBy(pkg("promql"))
        .layer("query-api")
        .definedBy(pkg("queryapi"))
        .layer("query")
        .definedBy(pkg("query"))
        .layer("sidecar")
        .definedBy(pkg("sidecar"))
        .layer("gateway")
        .definedBy(pkg("gateway"))
        .layer("perf")
        .definedBy(pkg("perf"))
        .whereLayer("model")
        .mayNotAccessAnyLayer()
        .whereLayer("proto")
        .mayNotAccessAnyLayer()
        .whereLayer("wal")
        .mayOnlyAccessLayers("model")
        .whereLayer("hashring")
        .mayOnlyAccessLayers("model")
        .whereLayer("tsdb chunk")
        .mayOnlyAccessLayers("model")
        .whereLayer("tsdb layout")
        .mayOnlyAccessLayers("model", "tsdb chunk")
        .whereLayer("tsdb postings")
        .mayOnlyAccessLayers("model")
        .whereLayer("tsdb api")
        .mayOnlyAccessLayers("model", "tsdb chunk")
        .whereLayer("tsdb head")
        .mayOnlyAccessLayers(
            "model", "wal", "tsdb api", "tsdb chunk", "tsdb layout", "tsdb postings")
        .whereLayer("tsdb block")
        .mayOnlyAccessLayers("model", "tsdb api", "tsdb chunk", "tsdb layout", "tsdb postings")
        .whereLayer("tsdb db")
        .mayOnlyAccessLayers(
            "model",
            "wal",
            "tsdb api",
            "tsdb chunk",
            "tsdb layout",
            "tsdb postings",
            "tsdb head",
            "tsdb block")
        .whereLayer("ingest")
        .mayOnlyAccessLayers(
            "model",
            "proto",
            "hashring",
            "tsdb api",
            "tsdb chunk",
            "tsdb layout",
            "tsdb postings",
            "tsdb head",
            "tsdb block",
            "tsdb db")
        // The uploader reads block meta and layout, and is told about blocks through the
        // tsdb API's BlockListener; it never reaches into the engine.
        .whereLayer("uploader")
        .mayOnlyAccessLayers("model", "tsdb api", "tsdb layout")
        .whereLayer("promql")
        .mayOnlyAccessLayers("model", "tsdb api", "tsdb chunk")
        .whereLayer("query-api")
        .mayOnlyAccessLayers("model", "proto", "promql", "tsdb api", "tsdb chunk")
        .whereLayer("query")
        .mayOnlyAccessLayers("model", "proto", "tsdb api", "tsdb chunk")
        .whereLayer("sidecar")
        .mayOnlyAccessLayers("model", "proto", "uploader", "tsdb api", "tsdb chunk", "tsdb layout")
        .whereLayer("gateway")
        .mayOnlyAccessLayers(WIRED_BY_GATEWAY)
        .whereLayer("perf")
        .mayOnlyAccessLayers(withGateway(WIRED_BY_GATEWAY));
  }

  private static String[] withGateway(String[] layers) {
    String[] out = Arrays.copyOf(layers, layers.length + 1);
    out[layers.length] = "gateway";
    return out;
  }

  /** No two packages use each other, directly or around a loop. */
  ArchRule noPackageCycles() {
    return slices().matching(root + ".(**)").should().beFreeOfCycles();
  }

  /** {@code model} is shared by everything, so it stands on the JDK and RE2 alone. */
  ArchRule modelUsesOnlyTheJdkAndRe2() {
    return classes()
        .that()
        .resideInAPackage(pkg("model"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(pkg("model"), "java..", "com.google.re2j..")
        .allowEmptyShould(true);
  }

  /** {@code proto} is generated code: protobuf and gRPC (and what their stubs name) only. */
  ArchRule protoUsesOnlyProtobufAndGrpc() {
    return classes()
        .that()
        .resideInAPackage(pkg("proto"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            pkg("proto"),
            "java..",
            "com.google.protobuf..",
            "io.grpc..",
            "com.google.common.util.concurrent..",
            "javax.annotation..")
        .allowEmptyShould(true);
  }

  /**
   * {@code java.util.regex} backtracks: one user-supplied expression can hold a core for minutes.
   * Matchers go through {@code model.FastRegex} (RE2), and our own fixed patterns use re2j too, so
   * that no code path can hand a user's expression to the backtracking engine. {@code perf} may, to
   * measure the old engine against the new.
   */
  ArchRule noBacktrackingRegex() {
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackage(pkg("perf"))
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.util.regex..")
        .allowEmptyShould(true);
  }
}
