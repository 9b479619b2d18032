package io.rwgateway.promql.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PromQL function's signature. {@code variadic} is 0 for a fixed argument list, n for up to n
 * optional trailing arguments of the last type, -1 for any number of them.
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
  public Function {
    argTypes = List.copyOf(argTypes);
  }

  private static final Map<String, Function> ALL = new HashMap<>();

  // The functions of Prometheus 2.42 (promql/parser/functions.go), argument types as letters:
  // V instant vector, M range vector, S scalar, T string.
  static {
    fn("abs", "V", 0, 'V');
    fn("absent", "V", 0, 'V');
    fn("absent_over_time", "M", 0, 'V');
    fn("acos", "V", 0, 'V');
    fn("acosh", "V", 0, 'V');
    fn("asin", "V", 0, 'V');
    fn("asinh", "V", 0, 'V');
    fn("atan", "V", 0, 'V');
    fn("atanh", "V", 0, 'V');
    fn("avg_over_time", "M", 0, 'V');
    fn("ceil", "V", 0, 'V');
    fn("changes", "M", 0, 'V');
    fn("clamp", "VSS", 0, 'V');
    fn("clamp_max", "VS", 0, 'V');
    fn("clamp_min", "VS", 0, 'V');
    fn("cos", "V", 0, 'V');
    fn("cosh", "V", 0, 'V');
    fn("count_over_time", "M", 0, 'V');
    fn("days_in_month", "V", 1, 'V');
    fn("day_of_month", "V", 1, 'V');
    fn("day_of_week", "V", 1, 'V');
    fn("day_of_year", "V", 1, 'V');
    fn("deg", "V", 0, 'V');
    fn("delta", "M", 0, 'V');
    fn("deriv", "M", 0, 'V');
    fn("exp", "V", 0, 'V');
    fn("floor", "V", 0, 'V');
    fn("histogram_count", "V", 0, 'V');
    fn("histogram_sum", "V", 0, 'V');
    fn("histogram_fraction", "SSV", 0, 'V');
    fn("histogram_quantile", "SV", 0, 'V');
    fn("holt_winters", "MSS", 0, 'V');
    fn("hour", "V", 1, 'V');
    fn("idelta", "M", 0, 'V');
    fn("increase", "M", 0, 'V');
    fn("irate", "M", 0, 'V');
    fn("label_replace", "VTTTT", 0, 'V');
    fn("label_join", "VTTT", -1, 'V');
    fn("last_over_time", "M", 0, 'V');
    fn("ln", "V", 0, 'V');
    fn("log10", "V", 0, 'V');
    fn("log2", "V", 0, 'V');
    fn("max_over_time", "M", 0, 'V');
    fn("min_over_time", "M", 0, 'V');
    fn("minute", "V", 1, 'V');
    fn("month", "V", 1, 'V');
    fn("pi", "", 0, 'S');
    fn("predict_linear", "MS", 0, 'V');
    fn("present_over_time", "M", 0, 'V');
    fn("quantile_over_time", "SM", 0, 'V');
    fn("rad", "V", 0, 'V');
    fn("rate", "M", 0, 'V');
    fn("resets", "M", 0, 'V');
    fn("round", "VS", 1, 'V');
    fn("scalar", "V", 0, 'S');
    fn("sgn", "V", 0, 'V');
    fn("sin", "V", 0, 'V');
    fn("sinh", "V", 0, 'V');
    fn("sort", "V", 0, 'V');
    fn("sort_desc", "V", 0, 'V');
    fn("sqrt", "V", 0, 'V');
    fn("stddev_over_time", "M", 0, 'V');
    fn("stdvar_over_time", "M", 0, 'V');
    fn("sum_over_time", "M", 0, 'V');
    fn("tan", "V", 0, 'V');
    fn("tanh", "V", 0, 'V');
    fn("time", "", 0, 'S');
    fn("timestamp", "V", 0, 'V');
    fn("vector", "S", 0, 'V');
    fn("year", "V", 1, 'V');
  }

  private static void fn(String name, String args, int variadic, char ret) {
    List<ValueType> types = new ArrayList<>();
    for (char c : args.toCharArray()) {
      types.add(type(c));
    }
    ALL.put(name, new Function(name, types, variadic, type(ret)));
  }

  private static ValueType type(char c) {
    return switch (c) {
      case 'V' -> ValueType.VECTOR;
      case 'M' -> ValueType.MATRIX;
      case 'S' -> ValueType.SCALAR;
      case 'T' -> ValueType.STRING;
      default -> throw new IllegalArgumentException(String.valueOf(c));
    };
  }

  /** The function of that (case-sensitive) name, or null. */
  public static Function named(String name) {
    return ALL.get(name);
  }

  /** Every known function by name. */
  public static Map<String, Function> all() {
    return Collections.unmodifiableMap(ALL);
  }
}
