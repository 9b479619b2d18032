package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.BlockSeries;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockWriterTest {
  private static final long MIN = 7_200_000L * 100;
  private static final long MAX = MIN + 7_200_000L;

  @TempDir Path dir;

  private static BlockSeries series(String name, long... times) {
    long[] t = times.clone();
    long[] v = new long[t.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Double.doubleToRawLongBits(i * 1.5);
    }
    return BlockSeries.encode(Labels.of("__name__", name, "job", "w"), t, v, t.length);
  }

  @Test
  void writesACompleteBlockUnderItsUlidAndNothingElse() throws IOException {
    List<BlockSeries> in = List.of(series("a", MIN, MIN + 15_000), series("b", MAX - 1));
    Path block = BlockWriter.write(dir, MIN, MAX, in, Labels.of("cluster", "eu1"), "team-a");

    String ulid = block.getFileName().toString();
    assertTrue(Ulid.isValid(ulid), ulid);
    assertEquals(dir.resolve(ulid), block);
    try (var entries = Files.list(dir)) {
      assertEquals(List.of(block), entries.toList(), "no temporary directory left");
    }
    for (String f : List.of("chunks/000001", "index", "tombstones", "meta.json")) {
      assertTrue(Files.isRegularFile(block.resolve(f)), f);
    }
    long chunks = Files.size(block.resolve("chunks/000001"));
    long index = Files.size(block.resolve("index"));
    BlockMeta expected =
        new BlockMeta(
            ulid,
            MIN,
            MAX,
            3,
            2,
            2,
            1,
            List.of(ulid),
            Map.of("cluster", "eu1", "tenant_id", "team-a"),
            "receive",
            0,
            List.of("000001"),
            List.of(
                new BlockMeta.FileEntry("chunks/000001", chunks),
                new BlockMeta.FileEntry("index", index),
                new BlockMeta.FileEntry("meta.json", -1)));
    assertEquals(
        expected.toJson(), Files.readString(block.resolve("meta.json"), StandardCharsets.UTF_8));
  }

  @Test
  void rejectsBadInputBeforeTouchingTheDisk() {
    Path tenant = dir.resolve("tenant");
    Labels none = Labels.EMPTY;
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BlockWriter.write(
                tenant, MIN, MAX, List.of(series("b", MIN), series("a", MIN)), none, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BlockWriter.write(
                tenant, MIN, MAX, List.of(series("a", MIN), series("a", MIN + 1)), none, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockWriter.write(tenant, MIN, MAX, List.of(series("a", MAX)), none, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockWriter.write(tenant, MIN, MAX, List.of(series("a", MIN - 1)), none, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockWriter.write(tenant, MIN, MAX, List.of(), none, "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockWriter.write(tenant, MAX, MIN, List.of(series("a", MIN)), none, "t"));
    BlockSeries overlapping =
        new BlockSeries(
            Labels.of("__name__", "a"),
            List.of(series("a", MIN).chunks().get(0), series("a", MIN).chunks().get(0)),
            new long[] {MIN, MIN},
            new long[] {MIN, MIN});
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockWriter.write(tenant, MIN, MAX, List.of(overlapping), none, "t"));
    assertFalse(Files.exists(tenant), "nothing was created");
  }

  @Test
  void aFailedWriteRemovesItsTemporaryDirectory() throws IOException {
    String ulid = Ulid.next();
    // A non-empty directory already holding the block's name makes the final rename fail.
    Files.createDirectories(dir.resolve(ulid).resolve("occupied"));
    assertThrows(
        IOException.class,
        () ->
            BlockWriter.write(
                dir,
                MIN,
                MAX,
                List.of(series("a", MIN)),
                Labels.EMPTY,
                BlockLayout.TENANT_LABEL,
                "t",
                ulid));
    assertFalse(Files.exists(dir.resolve(ulid + BlockLayout.TMP_SUFFIX)));
  }

  @Test
  void removeLeftoversDeletesOnlyUnfinishedBlocks() throws IOException {
    Path block = BlockWriter.write(dir, MIN, MAX, List.of(series("a", MIN)), Labels.EMPTY, "t");
    Path crashed = dir.resolve(Ulid.next() + BlockLayout.TMP_SUFFIX);
    Files.createDirectories(crashed.resolve("chunks"));
    Files.write(crashed.resolve("chunks/000001"), new byte[] {1, 2, 3});
    assertEquals(1, BlockWriter.removeLeftovers(dir));
    assertFalse(Files.exists(crashed));
    assertTrue(Files.isRegularFile(block.resolve("meta.json")));
    assertEquals(0, BlockWriter.removeLeftovers(dir));
    assertEquals(0, BlockWriter.removeLeftovers(dir.resolve("missing")));
  }
}
