package io.rwgateway.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Thanos flags a role accepts for drop-in compatibility without acting on them: the Prometheus
 * Operator and existing manifests pass them, and a start failure over a flag that changes nothing
 * here would be worse than one WARN line naming it. Anything else that is not a flag of the role is
 * an error, as a typo must be.
 *
 * <p>Thanos parses flags with kingpin: {@code --name=value} or {@code --name value}, booleans as
 * {@code --name} or {@code --no-name}.
 */
final class IgnoredThanosFlags {
  private static final Logger log = LoggerFactory.getLogger(IgnoredThanosFlags.class);

  private final Set<String> withValue;
  private final Set<String> booleans;

  /**
   * @param withValue flag names (without dashes) that take a value
   * @param booleans boolean flag names (without dashes)
   */
  IgnoredThanosFlags(Set<String> withValue, Set<String> booleans) {
    this.withValue = withValue;
    this.booleans = booleans;
  }

  /**
   * Checks the arguments picocli did not match.
   *
   * @return the ignored flags given, by name, in order (each once)
   * @throws IllegalArgumentException naming the first argument that is neither
   */
  List<String> check(List<String> unmatched) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < unmatched.size(); i++) {
      String arg = unmatched.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + arg + "\"");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      if (withValue.contains(name)) {
        if (eq < 0) {
          if (i + 1 >= unmatched.size()) {
            throw new IllegalArgumentException("flag --" + name + " needs a value");
          }
          i++; // --name value
        }
      } else if (eq < 0 && (booleans.contains(name) || isNegated(name))) {
        name = isNegated(name) ? name.substring(3) : name;
      } else {
        throw new IllegalArgumentException("unknown flag --" + name);
      }
      if (!found.contains(name)) {
        found.add(name);
      }
    }
    return found;
  }

  /**
   * What a role's command does before it starts: applies the log flags, checks the arguments
   * picocli did not match, builds the configuration, then logs one WARN line per ignored flag.
   *
   * @throws ParameterException for a bad or unknown flag (picocli prints it with the usage)
   */
  <C> C configure(CommandSpec spec, LogFlags logFlags, List<String> unmatched, Supplier<C> config) {
    try {
      logFlags.apply();
      List<String> ignored = check(unmatched);
      C c = config.get();
      for (String name : ignored) {
        log.warn("flag accepted for compatibility with Thanos, no effect here: flag=--{}", name);
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private boolean isNegated(String name) {
    return name.startsWith("no-") && booleans.contains(name.substring(3));
  }
}
