package io.rwgateway.promql.parser;

import java.util.List;
import java.util.stream.Collectors;

/** A function call, {@code rate(x[5m])}. */
public record Call(Function function, List<Expr> args, int start, int end) implements Expr {
  public Call {
    args = List.copyOf(args);
  }

  @Override
  public ValueType type() {
    return function.returnType();
  }

  @Override
  public String toString() {
    return function.name()
        + "("
        + args.stream().map(Object::toString).collect(Collectors.joining(", "))
        + ")";
  }
}
