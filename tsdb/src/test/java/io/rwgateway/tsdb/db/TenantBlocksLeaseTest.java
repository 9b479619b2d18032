package io.rwgateway.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.block.BlockWriter;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention takes a leased block out of the list at once and deletes it after the last reader. */
class TenantBlocksLeaseTest {
  private static final long H2 = 7_200_000L;

  @TempDir Path dir;

  private void writeBlock(long min) throws Exception {
    long[] t = {min, min + 15_000};
    long[] v = {Double.doubleToRawLongBits(1), Double.doubleToRawLongBits(2)};
    BlockSeries s = BlockSeries.encode(Labels.of("__name__", "up", "at", "" + min), t, v, 2);
    BlockWriter.write(dir, min, min + H2, List.of(s), Labels.EMPTY, "t");
  }

  private long blockDirs() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).count();
    }
  }

  @Test
  void retentionDefersDeletionUntilLeasesAreReleased() throws Exception {
    for (int i = 0; i < 3; i++) {
      writeBlock(H2 * (100 + i));
    }
    TenantBlocks blocks = TenantBlocks.open(dir);
    try {
      List<Block> leased = blocks.lease();
      assertEquals(3, leased.size());
      Block oldest = leased.get(0);
      ChunkQuerier q = oldest.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE);
      TenantBlocks.release(leased);

      List<Block> dropped = blocks.applyRetention(2 * H2, b -> true);
      assertEquals(List.of(oldest), dropped);
      assertEquals(2, blocks.list().size(), "out of the list at once");
      assertEquals(3, blockDirs(), "renamed, still on disk while a reader holds it");
      assertFalse(Files.exists(oldest.dir()));

      ChunkSeriesSet set = q.select(Matcher.eq("__name__", "up"));
      assertTrue(set.next(), "the reader still reads it");
      assertTrue(set.chunks().next());
      q.close();
      assertEquals(2, blockDirs(), "deleted with the last lease");
      List<Block> again = blocks.lease();
      assertFalse(again.contains(oldest));
      TenantBlocks.release(again);
    } finally {
      blocks.close();
    }
  }
}
