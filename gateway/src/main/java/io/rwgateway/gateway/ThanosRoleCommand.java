package io.rwgateway.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A read role's command ({@code sidecar}, {@code query}): Thanos' flags of the role, the log flags,
 * the Thanos flags it accepts without acting on them, and the run: configure, start, serve until
 * stopped.
 *
 * @param <C> the role's checked configuration
 */
abstract class ThanosRoleCommand<C> implements Callable<Integer> {
  @Mixin LogFlags logFlags = new LogFlags();

  @Unmatched List<String> unmatched = new ArrayList<>();

  @Spec CommandSpec spec;

  /** The flags of the Thanos role this command accepts with a WARN line and no effect. */
  abstract IgnoredThanosFlags ignored();

  /**
   * The configuration the flags give.
   *
   * @throws IllegalArgumentException naming a bad flag value
   */
  abstract C config();

  abstract RoleServer start(C config) throws Exception;

  @Override
  public final Integer call() throws Exception {
    // Before any thread starts: a thread the role needs that dies ends the process.
    FatalErrors.install();
    C config = ignored().configure(spec, logFlags, unmatched, this::config);
    return RoleServer.serveUntilStopped(start(config));
  }
}
