package io.rwgateway.tsdb.acceptance;

import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.db.QueryData;
import io.rwgateway.tsdb.head.Head;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The acceptance suite over a head holding all the data (finished and open chunks). */
class HeadAcceptanceTest extends ChunkQuerierAcceptance {
  private final Head head = filled();

  static Head filled() {
    Head h = new Head();
    List<QueryData.Series> series = new ArrayList<>();
    for (Data d : DATA) {
      long[][] s = samples(d);
      series.add(new QueryData.Series(d.labels(), s[0], s[1]));
    }
    QueryData.append(h, series);
    return h;
  }

  @AfterEach
  void closeHead() {
    head.close();
  }

  @Override
  protected ChunkQuerier open(long mint, long maxt) {
    return head.chunkQuerier(mint, maxt);
  }
}
