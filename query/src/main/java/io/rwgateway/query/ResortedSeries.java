package io.rwgateway.query;

import io.rwgateway.model.LabelOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An endpoint's series with the replica labels removed, in the order of the labels that are left:
 * for an endpoint that does not remove them itself (its Info does not say {@code
 * supports_without_replica_labels}: Thanos before 0.31, or one whose replica label is not
 * external). Sorted by its full labels, such a stream is not sorted once a label is gone ({@code
 * a,b,replica} sorts before {@code a,replica}, but {@code a} before {@code a,b}), so the whole
 * answer is read first, as Thanos does for such stores: memory grows with that endpoint's answer.
 * Series that become equal (one endpoint holding several replicas) are joined, their chunks in time
 * order, as an endpoint that removes the labels itself sends them.
 */
final class ResortedSeries implements RemoteSeriesSource {
  private static final Comparator<RemoteSeries> ORDER =
      (a, b) -> LabelOrder.compareLabels(a.labels(), b.labels());

  private final RemoteSeriesSource source;
  private final Set<String> replicaLabels;
  private List<RemoteSeries> sorted;
  private int i;

  ResortedSeries(RemoteSeriesSource source, Set<String> replicaLabels) {
    this.source = source;
    this.replicaLabels = replicaLabels;
  }

  @Override
  public boolean hasNext() {
    if (sorted == null) {
      sorted = readAll();
    }
    return i < sorted.size();
  }

  @Override
  public RemoteSeries next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return sorted.get(i++);
  }

  @Override
  public List<String> warnings() {
    return source.warnings();
  }

  private List<RemoteSeries> readAll() {
    List<RemoteSeries> all = new ArrayList<>();
    while (source.hasNext()) {
      RemoteSeries s = source.next();
      all.add(new RemoteSeries(ReplicaLabels.strip(s.labels(), replicaLabels), s.chunks()));
    }
    all.sort(ORDER); // stable: equal series keep the endpoint's order
    List<RemoteSeries> out = new ArrayList<>(all.size());
    for (RemoteSeries s : all) {
      RemoteSeries last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.labels().equals(s.labels())) {
        out.set(out.size() - 1, join(last, s));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private static RemoteSeries join(RemoteSeries a, RemoteSeries b) {
    List<RemoteChunk> chunks = new ArrayList<>(a.chunks().size() + b.chunks().size());
    chunks.addAll(a.chunks());
    chunks.addAll(b.chunks());
    chunks.sort(Comparator.comparingLong(RemoteChunk::minTime));
    return new RemoteSeries(a.labels(), chunks);
  }
}
