package io.rwgateway.tsdb.block;

import io.rwgateway.model.Labels;
import java.util.List;

/**
 * One series entry of an index, fully decoded.
 *
 * @param ref the series reference (its entry's offset / 16)
 * @param labels the series' labels, in the index's (UTF-8 byte) name order
 * @param chunks its chunk metas, in time order
 */
public record IndexSeries(long ref, Labels labels, List<ChunkMeta> chunks) {
  public IndexSeries {
    chunks = List.copyOf(chunks);
  }
}
