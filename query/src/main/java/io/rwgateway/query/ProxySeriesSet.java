package io.rwgateway.query;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A k-way merge of the sorted series streams of several endpoints into one stream in label order; a
 * label set that several endpoints send becomes one series. Without dedup its chunks are merged
 * ({@link MergedChunks}); with dedup (the streams then carry no replica labels) the endpoints'
 * chunks are split into non-overlapping runs, the replicas ({@link OverlapSplit}), and more than
 * one replica are merged by the penalty rule ({@link DedupSamples}) into new chunks ({@link
 * DedupChunks}). Holds one series per endpoint, whatever the result's size. Not thread-safe.
 */
final class ProxySeriesSet implements ChunkSeriesSet {
  /** Decides what an endpoint's failure does: throw (no partial response) or record a warning. */
  interface Failures {
    void failed(String address, RuntimeException e);

    void warning(String address, String warning);
  }

  /**
   * One endpoint's stream and the series it is at; {@code rank} orders the replicas of a series
   * (lower first: the penalty merge starts on the first and prefers it on ties).
   */
  static final class Cursor {
    final String address;
    final RemoteSeriesSource stream;
    final int rank;
    RemoteSeries head;

    Cursor(String address, RemoteSeriesSource stream, int rank) {
      this.address = address;
      this.stream = stream;
      this.rank = rank;
    }
  }

  private final PriorityQueue<Cursor> queue =
      new PriorityQueue<>((a, b) -> LabelOrder.compareLabels(a.head.labels(), b.head.labels()));
  private final List<Cursor> pending;
  private final List<Cursor> current = new ArrayList<>();
  private final boolean skipChunks;
  private final DedupMode dedup;
  private final Failures failures;
  private Labels labels;

  /**
   * @param streams address and started stream of every endpoint asked
   * @param dedup how replicas are merged; null for no dedup
   */
  ProxySeriesSet(List<Cursor> streams, boolean skipChunks, DedupMode dedup, Failures failures) {
    this.pending = new ArrayList<>(streams);
    this.skipChunks = skipChunks;
    this.dedup = dedup;
    this.failures = failures;
  }

  static Cursor cursor(String address, RemoteSeriesSource stream, int rank) {
    return new Cursor(address, stream, rank);
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
    if (dedup != null && current.size() > 1) {
      current.sort(Comparator.comparingInt(c -> c.rank));
    }
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
    return dedup == null ? MergedChunks.of(parts) : deduplicated(parts);
  }

  private ChunkIterator deduplicated(List<List<RemoteChunk>> parts) {
    List<List<RemoteChunk>> replicas = new ArrayList<>(parts.size());
    for (List<RemoteChunk> p : parts) {
      OverlapSplit.split(p, replicas);
    }
    if (replicas.size() <= 1) {
      return MergedChunks.of(parts); // one replica passes through untouched
    }
    List<SampleIterator> its = new ArrayList<>(replicas.size());
    for (List<RemoteChunk> r : replicas) {
      its.add(new ChunkSamples(r));
    }
    DedupSamples merged = DedupSamples.of(its, dedup);
    // Native histograms (Thanos' dedup picks them by the same timestamps and penalties, and
    // adjusts only floats) are re-cut as the TSDB cuts them; float-only series stream.
    return allXor(replicas) ? new DedupChunks(merged) : new DedupCutChunks(merged);
  }

  private static boolean allXor(List<List<RemoteChunk>> replicas) {
    for (List<RemoteChunk> r : replicas) {
      for (RemoteChunk c : r) {
        if (c.encoding() != ChunkEncoding.XOR) {
          return false;
        }
      }
    }
    return true;
  }
}
