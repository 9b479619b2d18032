package io.rwgateway.queryapi.store;

import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * One series as served: its final labels and its chunks (time-ordered, bytes copied), or no chunks
 * when the request skips them.
 */
final class OutSeries {
  final Labels labels;
  final List<AggrChunk> chunks;

  OutSeries(Labels labels, List<AggrChunk> chunks) {
    this.labels = labels;
    this.chunks = chunks;
  }

  /**
   * The series with {@code other}'s chunks too (same labels): chunks sorted by time, exact
   * duplicates (same times and bytes, as two replicas of one head chunk) kept once, as Thanos'
   * proxy does for series that several stores return.
   */
  OutSeries mergedWith(OutSeries other) {
    if (other.chunks.isEmpty()) {
      return this;
    }
    if (chunks.isEmpty()) {
      return new OutSeries(labels, other.chunks);
    }
    List<AggrChunk> all = new ArrayList<>(chunks.size() + other.chunks.size());
    all.addAll(chunks);
    all.addAll(other.chunks);
    all.sort(Chunks.BY_TIME);
    List<AggrChunk> out = new ArrayList<>(all.size());
    for (AggrChunk c : all) {
      boolean dup = false;
      // Equal chunks have equal times, so they sit in one run of equal (min, max) pairs.
      for (int i = out.size() - 1; i >= 0; i--) {
        AggrChunk o = out.get(i);
        if (o.getMinTime() != c.getMinTime() || o.getMaxTime() != c.getMaxTime()) {
          break;
        }
        if (Chunks.same(o, c)) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        out.add(c);
      }
    }
    return new OutSeries(labels, out);
  }
}
