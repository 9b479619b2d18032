package io.rwgateway.perf;

import com.google.re2j.Pattern;
import io.rwgateway.model.Matcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A regex label matcher tested against the values of one label, as postings selection does for
 * every value of the label: our {@link Matcher} (RE2 with fast paths), plain re2j on the same
 * expression (what the fast paths save), and the {@code java.util.regex} matcher the gateway used
 * before (what moving to RE2 cost or saved). Scores are per value tested.
 *
 * <p>Expressions: a Grafana multi-value variable ({@code set}: 20 pod names), a prefix, a
 * substring, {@code .*}, and one the fast paths do not cover ({@code general}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MatcherBenchmark extends BenchmarkBase {
  private static final int VALUES = 1000;

  @Param({"set", "prefix", "contains", "any", "general"})
  public String shape;

  private final String[] values = new String[VALUES];
  private Matcher ours;
  private Pattern re2j;
  private java.util.regex.Pattern javaRegex;

  @Setup
  public void setUp() {
    for (int i = 0; i < VALUES; i++) {
      values[i] =
          (i % 3 == 0 ? "api" : i % 3 == 1 ? "web" : "worker")
              + "-"
              + (i % 7 == 0 ? "error-" : "")
              + Integer.toHexString(0x5f3a00 + i * 37);
    }
    String regex;
    switch (shape) {
      case "set":
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
          sb.append(i == 0 ? "" : "|").append(values[i * 50]);
        }
        regex = sb.toString();
        break;
      case "prefix":
        regex = "api-.*";
        break;
      case "contains":
        regex = ".*error.*";
        break;
      case "any":
        regex = ".*";
        break;
      default:
        regex = "(api|web)-[0-9a-f]+";
        break;
    }
    ours = new Matcher(Matcher.Type.RE, "pod", regex);
    re2j = Pattern.compile(regex, Pattern.DOTALL);
    // What model.Matcher compiled before it moved to RE2.
    javaRegex =
        java.util.regex.Pattern.compile("^(?:" + regex + ")$", java.util.regex.Pattern.DOTALL);
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public int fastRegex() {
    int n = 0;
    for (String v : values) {
      if (ours.matches(v)) {
        n++;
      }
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public int re2jOnly() {
    int n = 0;
    for (String v : values) {
      if (re2j.matcher(v).matches()) {
        n++;
      }
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(VALUES)
  public int javaUtilRegex() {
    int n = 0;
    for (String v : values) {
      if (javaRegex.matcher(v).matches()) {
        n++;
      }
    }
    return n;
  }
}
