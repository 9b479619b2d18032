package io.rwgateway.tsdb.db;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.head.Head;
import java.util.List;
import java.util.function.Function;

/**
 * A tenant's list-returning {@link Querier}: each call reads the block list and the head as one
 * consistent view, under the same leases as the streaming reader ({@link TenantDb#chunkQuerier}):
 * the tenant's reader lease (a block cut truncates the head only once the calls that took the old
 * block list are done), the leases of the blocks it reads (retention waits) and a lease on the
 * head's chunk files (truncation keeps a deleted file open until the call is done). So a call that
 * races a block cut sees every sample once, and nothing is read from a closed file: no retry.
 */
final class TenantQuerier implements Querier {
  private final TenantDb db;
  private final Head head;
  private final Function<List<Block>, Querier> view;

  /** {@code view} builds the querier over the leased blocks and the head. */
  TenantQuerier(TenantDb db, Head head, Function<List<Block>, Querier> view) {
    this.db = db;
    this.head = head;
    this.view = view;
  }

  private <R> R leased(Function<Querier, R> call) {
    long token;
    List<Block> blocks;
    synchronized (db.readers) {
      token = db.readers.acquire();
      blocks = db.tenantBlocks().lease();
    }
    long files = head.leaseChunkFiles();
    try {
      return call.apply(view.apply(blocks));
    } finally {
      head.releaseChunkFiles(files);
      TenantBlocks.release(blocks);
      db.readers.release(token);
    }
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    return leased(q -> q.labelNames(selectors, mint, maxt));
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    return leased(q -> q.labelValues(name, selectors, mint, maxt));
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    return leased(q -> q.series(selectors, mint, maxt));
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    return leased(q -> q.select(matchers, mint, maxt));
  }
}
