package io.rwgateway.query;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of the sorted series streams of several endpoints into one stream in label order; a
 * label set that several endpoints send becomes one series with their chunks merged ({@link
 * MergedChunks}). Holds one series per endpoint, whatever the result's size. Not thread-safe.
 */
final class ProxySeriesSet implements ChunkSeriesSet {
  /** Decides what an endpoint's failure does: throw (no partial response) or record a warning. */
  interface Failures {
    void failed(String address, RuntimeException e);

    void warning(String address, String warning);
  }

  /** One endpoint's stream and the series it is at. */
  static final class Cursor {
    final String address;
    final SeriesStream stream;
    RemoteSeries head;

    Cursor(String address, SeriesStream stream) {
      this.address = address;
      this.stream = stream;
    }
  }

  private final PriorityQueue<Cursor> queue =
      new PriorityQueue<>((a, b) -> LabelOrder.compareLabels(a.head.labels(), b.head.labels()));
  private final List<Cursor> pending;
  private final List<Cursor> current = new ArrayList<>();
  private final boolean skipChunks;
  private final Failures failures;
  private Labels labels;

  /**
   * @param streams address and started stream of every endpoint asked
   */
  ProxySeriesSet(List<Cursor> streams, boolean skipChunks, Failures failures) {
    this.pending = new ArrayList<>(streams);
    this.skipChunks = skipChunks;
    this.failures = failures;
  }

  static Cursor cursor(String address, SeriesStream stream) {
    return new Cursor(address, stream);
  }

  @Override
  public boolean next() {
    // Advance what the last series was made of (the first time: every endpoint's stream).
    for (Cursor c : pending) {
      if (advance(c)) {
        queue.add(c);
      }
    }
    pending.clear();
    current.clear();
    Cursor first = queue.poll();
    if (first == null) {
      labels = null;
      return false;
    }
    current.add(first);
    while (!queue.isEmpty() && queue.peek().head.labels().equals(first.head.labels())) {
      current.add(queue.poll());
    }
    labels = first.head.labels();
    pending.addAll(current);
    return true;
  }

  /** Moves the cursor to its stream's next series; false at the end or when it failed. */
  private boolean advance(Cursor c) {
    Labels previous = c.head == null ? null : c.head.labels();
    try {
      if (!c.stream.hasNext()) {
        c.head = null;
        for (String w : c.stream.warnings()) {
          failures.warning(c.address, w);
        }
        return false;
      }
      c.head = c.stream.next();
    } catch (RuntimeException e) {
      c.head = null;
      failures.failed(c.address, e);
      return false;
    }
    if (previous != null && LabelOrder.compareLabels(previous, c.head.labels()) >= 0) {
      // The merge relies on every stream being sorted; an unsorted one would corrupt the order.
      Labels got = c.head.labels();
      c.head = null;
      failures.failed(
          c.address,
          new IllegalStateException("series out of order: " + got + " after " + previous));
      return false;
    }
    return true;
  }

  @Override
  public Labels labels() {
    if (labels == null) {
      throw new IllegalStateException("no series");
    }
    return labels;
  }

  @Override
  public ChunkIterator chunks() {
    if (labels == null) {
      throw new IllegalStateException("no series");
    }
    if (skipChunks) {
      return ChunkIterator.EMPTY;
    }
    List<List<RemoteChunk>> parts = new ArrayList<>(current.size());
    for (Cursor c : current) {
      parts.add(c.head.chunks());
    }
    return MergedChunks.of(parts);
  }
}
