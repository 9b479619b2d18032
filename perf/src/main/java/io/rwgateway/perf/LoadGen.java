package io.rwgateway.perf;

import io.rwgateway.perf.load.LoadRun;

/**
 * Entry point of the remote-write load generator (the work is in {@code io.rwgateway.perf.load}).
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar io.rwgateway.perf.LoadGen --help}
 */
public final class LoadGen {
  private LoadGen() {}

  public static void main(String[] args) throws Exception {
    int code = LoadRun.run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }
}
