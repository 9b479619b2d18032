package io.rwgateway.perf;

import io.rwgateway.perf.query.SidecarRun;

/**
 * Entry point of the sidecar benchmark: Prometheus' streamed remote read against the same read
 * through {@code gateway sidecar}'s StoreAPI ({@code perf/sidecar-compare.sh} starts both).
 */
public final class SidecarBench {
  private SidecarBench() {}

  public static void main(String[] args) throws Exception {
    int code = SidecarRun.run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }
}
