package io.rwgateway.tsdb;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * One {@link ChunkQuerier} over several (a tenant's blocks, oldest first, then its head): a k-way
 * merge of their sorted series streams. A series found in one part passes through untouched; a
 * series found in several has its chunks ordered by time, and chunks that overlap are decoded,
 * merged and re-encoded ({@link ChunkMerge}), a timestamp present in several kept once, from the
 * part listed first. Closing it closes every part.
 */
public final class MergeChunkQuerier implements ChunkQuerier {
  private final List<ChunkQuerier> parts;
  private final long mint;
  private final long maxt;
  private final Runnable onClose;
  private boolean closed;

  /**
   * @param parts in precedence order; all over [mint, maxt]
   * @param onClose run once, after the parts are closed (a lease of the caller's), or null
   */
  public MergeChunkQuerier(List<ChunkQuerier> parts, long mint, long maxt, Runnable onClose) {
    this.parts = List.copyOf(parts);
    this.mint = mint;
    this.maxt = maxt;
    this.onClose = onClose;
  }

  @Override
  public ChunkSeriesSet select(Matcher... matchers) {
    checkOpen();
    if (parts.size() == 1) {
      return parts.get(0).select(matchers);
    }
    List<ChunkSeriesSet> sets = new ArrayList<>(parts.size());
    for (ChunkQuerier p : parts) {
      sets.add(p.select(matchers));
    }
    return new Merged(sets, true);
  }

  @Override
  public ChunkSeriesSet selectSeries(Matcher... matchers) {
    checkOpen();
    if (parts.size() == 1) {
      return parts.get(0).selectSeries(matchers);
    }
    List<ChunkSeriesSet> sets = new ArrayList<>(parts.size());
    for (ChunkQuerier p : parts) {
      sets.add(p.selectSeries(matchers));
    }
    return new Merged(sets, false);
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    checkOpen();
    TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
    for (ChunkQuerier p : parts) {
      names.addAll(p.labelNames(matchers));
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    checkOpen();
    TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
    for (ChunkQuerier p : parts) {
      values.addAll(p.labelValues(name, matchers));
    }
    return new ArrayList<>(values);
  }

  @Override
  public long mint() {
    return mint;
  }

  @Override
  public long maxt() {
    return maxt;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (ChunkQuerier p : parts) {
      try {
        p.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (onClose != null) {
      onClose.run();
    }
    if (first != null) {
      throw first;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("merged querier is closed");
    }
  }

  /** One part's set with its current series, ordered by labels, then by precedence. */
  private record Head(ChunkSeriesSet set, int precedence, Labels labels) {}

  private static final Head[] NONE = new Head[0];

  private final class Merged implements ChunkSeriesSet {
    private final PriorityQueue<Head> queue =
        new PriorityQueue<>(
            (a, b) -> {
              int c = LabelOrder.compareLabels(a.labels(), b.labels());
              return c != 0 ? c : Integer.compare(a.precedence(), b.precedence());
            });
    private final List<ChunkSeriesSet> sets;
    private final boolean withChunks;
    private boolean started;
    private Labels labels;
    private ChunkIterator chunks;

    Merged(List<ChunkSeriesSet> sets, boolean withChunks) {
      this.sets = sets;
      this.withChunks = withChunks;
    }

    @Override
    public boolean next() {
      checkOpen();
      if (!started) {
        started = true;
        for (int i = 0; i < sets.size(); i++) {
          advance(sets.get(i), i);
        }
      }
      for (Head h : advanceLater) {
        advance(h.set(), h.precedence());
      }
      advanceLater = NONE;
      Head first = queue.poll();
      if (first == null) {
        labels = null;
        return false;
      }
      labels = first.labels();
      List<Head> same = null;
      while (!queue.isEmpty() && LabelOrder.compareLabels(queue.peek().labels(), labels) == 0) {
        if (same == null) {
          same = new ArrayList<>(2);
          same.add(first);
        }
        same.add(queue.poll());
      }
      if (!withChunks) {
        chunks = null;
        advanceLater = same == null ? new Head[] {first} : same.toArray(new Head[0]);
      } else if (same == null) {
        chunks = first.set().chunks();
        advanceLater = new Head[] {first};
      } else {
        List<ChunkIterator> its = new ArrayList<>(same.size());
        for (Head h : same) {
          its.add(h.set().chunks());
        }
        chunks = ChunkMerge.merge(its); // reads the parts' chunks now, before they move on
        advanceLater = same.toArray(new Head[0]);
      }
      return true;
    }

    /**
     * The parts whose current series is the one handed out: moved on only at the next call, since a
     * series found in one part hands out that part's own chunk iterator.
     */
    private Head[] advanceLater = NONE;

    private void advance(ChunkSeriesSet set, int precedence) {
      if (set.next()) {
        queue.add(new Head(set, precedence, set.labels()));
      }
    }

    @Override
    public Labels labels() {
      if (labels == null) {
        throw new IllegalStateException("no current series");
      }
      return labels;
    }

    @Override
    public ChunkIterator chunks() {
      labels();
      if (!withChunks) {
        throw new IllegalStateException("series selected for their labels only");
      }
      return chunks;
    }
  }
}
