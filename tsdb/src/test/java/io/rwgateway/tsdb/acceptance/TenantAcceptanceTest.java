package io.rwgateway.tsdb.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.tsdb.db.TsdbReader;
import io.rwgateway.wal.WalOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance suite over a tenant: the data appended in time order as remote write brings it,
 * then cut into two blocks, the rest in the head; read through the tenant's merged, leased reader
 * as the StoreAPI reads it.
 */
class TenantAcceptanceTest extends ChunkQuerierAcceptance {
  @TempDir Path dir;

  private Tsdb tsdb;

  @AfterEach
  void closeTsdb() throws Exception {
    if (tsdb != null) {
      tsdb.close();
    }
  }

  @Override
  protected ChunkQuerier open(long mint, long maxt) throws Exception {
    if (tsdb == null) {
      tsdb =
          Tsdb.open(
              new TsdbOptions(dir, WalOptions.defaults(), 0)
                  .withFlushOnShutdown(false)
                  .withCompactionInterval(3_600_000L),
              null);
      TenantDb db = tsdb.tenant("acc");
      for (long t = T0; t < END; t += 30_000) {
        WriteBatch b = new WriteBatch();
        b.tenant = "acc";
        for (Data d : DATA) {
          if (t >= d.from() && t < d.to()) {
            Batches.series(b, d.labels());
            b.addSample(t, Data.value(d.labels(), t));
          }
        }
        db.append(b);
        assertNull(b.failure);
      }
      assertEquals(2, db.compactor().compact().size(), "two blocks cut, the rest in the head");
    }
    return new TsdbReader(tsdb).chunkQuerier("acc", mint, maxt);
  }
}
