package io.rwgateway.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one series' chunks into runs that do not overlap in time: the replicas an endpoint merged
 * into one series when it removed the replica labels (a store serving both replicas' blocks), or
 * that several endpoints sent. Each chunk, in order of its min time, goes to the first run whose
 * last chunk ends before it starts, else it starts a new run (Thanos' overlap split). A series
 * whose chunks do not overlap stays one run.
 */
final class OverlapSplit {
  private OverlapSplit() {}

  /** Adds the runs of {@code chunks} (in min time order) to {@code out}, each run in time order. */
  static void split(List<RemoteChunk> chunks, List<List<RemoteChunk>> out) {
    int first = out.size();
    for (RemoteChunk c : chunks) {
      List<RemoteChunk> run = null;
      for (int r = first; r < out.size(); r++) {
        List<RemoteChunk> candidate = out.get(r);
        if (candidate.get(candidate.size() - 1).maxTime() < c.minTime()) {
          run = candidate;
          break;
        }
      }
      if (run == null) {
        run = new ArrayList<>();
        out.add(run);
      }
      run.add(c);
    }
  }
}
