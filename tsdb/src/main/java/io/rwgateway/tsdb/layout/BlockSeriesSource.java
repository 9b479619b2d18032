package io.rwgateway.tsdb.layout;

import io.rwgateway.model.LabelOrder;
import java.io.IOException;
import java.util.SortedSet;

/**
 * Series handed to {@link BlockWriter} one at a time, so a block of a million series is written
 * without holding all its chunks in memory at once.
 */
public interface BlockSeriesSource {
  /**
   * Every label name and value the series from {@link #next} carry (a superset is allowed: an
   * unused symbol costs a few bytes and breaks no reader). Called once, before {@link #next}.
   */
  SortedSet<String> symbols() throws IOException;

  /**
   * The next series in {@link LabelOrder#LABELS} order, or null when there are no more. The writer
   * is done with a series when it asks for the next one.
   */
  BlockSeries next() throws IOException;
}
