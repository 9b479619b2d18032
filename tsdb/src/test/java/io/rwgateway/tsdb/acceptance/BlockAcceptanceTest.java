package io.rwgateway.tsdb.acceptance;

import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.db.QueryData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance suite over one block holding all the data, in chunks of random sizes. */
class BlockAcceptanceTest extends ChunkQuerierAcceptance {
  @TempDir Path dir;

  private Block block;

  @AfterEach
  void closeBlock() {
    if (block != null) {
      block.close();
    }
  }

  @Override
  protected ChunkQuerier open(long mint, long maxt) throws Exception {
    if (block == null) {
      List<QueryData.Series> series = new ArrayList<>();
      for (Data d : DATA) {
        long[][] s = samples(d);
        series.add(new QueryData.Series(d.labels(), s[0], s[1]));
      }
      block = Block.open(QueryData.writeBlock(dir, T0, END, series, new Random(3)).dir());
    }
    return block.chunkQuerier(mint, maxt);
  }
}
