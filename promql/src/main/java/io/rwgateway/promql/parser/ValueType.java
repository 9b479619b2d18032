package io.rwgateway.promql.parser;

/** The type of a PromQL expression's value. */
public enum ValueType {
  SCALAR("scalar", "scalar"),
  VECTOR("vector", "instant vector"),
  MATRIX("matrix", "range vector"),
  STRING("string", "string");

  /** Prometheus' internal name, which some of its messages print. */
  final String internalName;

  /** The name Prometheus' documentation (and most of its messages) use. */
  final String documentedName;

  ValueType(String internalName, String documentedName) {
    this.internalName = internalName;
    this.documentedName = documentedName;
  }

  public String documentedName() {
    return documentedName;
  }
}
