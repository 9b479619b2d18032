package io.rwgateway.query;

import io.rwgateway.model.Labels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Groups the replicas of each series and merges them with {@link DedupSamples}.
 *
 * <p>Precondition: the input is sorted by labels <em>with the replica labels removed</em> (not by
 * the full labels: {@code a="1",replica="x",z="1"} and {@code a="1",replica="y",z="0"} would not be
 * adjacent then). Only adjacent series that are equal without the replica labels are grouped, as in
 * Thanos' {@code dedupSeriesSet}; an unsorted input gives duplicate series, not an error. Each
 * output series carries the labels without the replica labels. A group of one is passed through as
 * it is.
 */
public final class DedupSeries implements Iterator<DedupSeries.Series> {
  /** A series: labels and its float samples. */
  public record Series(Labels labels, SampleIterator samples) {}

  private final Iterator<Series> input;
  private final Set<String> replicaLabels;
  private final DedupMode mode;
  private Series peek;
  private Labels peekLabels;

  public DedupSeries(Iterator<Series> input, Set<String> replicaLabels, DedupMode mode) {
    this.input = input;
    this.replicaLabels = replicaLabels;
    this.mode = mode;
    advance();
  }

  @Override
  public boolean hasNext() {
    return peek != null;
  }

  @Override
  public Series next() {
    if (peek == null) {
      throw new NoSuchElementException();
    }
    Labels labels = peekLabels;
    List<SampleIterator> group = new ArrayList<>(2);
    do {
      group.add(peek.samples());
      advance();
    } while (peek != null && peekLabels.equals(labels));
    SampleIterator samples = group.size() == 1 ? group.get(0) : DedupSamples.of(group, mode);
    return new Series(labels, samples);
  }

  private void advance() {
    if (input.hasNext()) {
      peek = input.next();
      peekLabels = withoutReplicaLabels(peek.labels());
    } else {
      peek = null;
      peekLabels = null;
    }
  }

  Labels withoutReplicaLabels(Labels labels) {
    int kept = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!replicaLabels.contains(labels.name(i))) {
        kept++;
      }
    }
    if (kept == labels.size()) {
      return labels;
    }
    String[] nv = new String[2 * kept];
    int j = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!replicaLabels.contains(labels.name(i))) {
        nv[j++] = labels.name(i);
        nv[j++] = labels.value(i);
      }
    }
    return Labels.ofSorted(nv);
  }
}
