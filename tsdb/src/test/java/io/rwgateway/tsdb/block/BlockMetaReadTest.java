package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.db.QueryData;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockMetaReadTest {
  private static final String ULID = "01JDFK6C00QX2V4Y6Z8A0B1C2D";

  @TempDir Path dir;

  private Path write(String json) throws IOException {
    Files.writeString(dir.resolve("meta.json"), json, StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void readsBackWhatToJsonWrites() throws IOException {
    BlockMeta m =
        new BlockMeta(
            ULID,
            1732456800000L,
            1732464000000L,
            960,
            2,
            8,
            1,
            List.of(ULID),
            Map.of(
                "tenant_id",
                "team-a",
                "cluster",
                "eu1",
                "note",
                "caf\u00e9 <&> \"q\" \\ \uD83D\uDE00\n"),
            "receive",
            0,
            List.of("000001", "000002"),
            List.of(
                new BlockMeta.FileEntry("chunks/000001", 2466),
                new BlockMeta.FileEntry("chunks/000002", 0),
                new BlockMeta.FileEntry("index", 734),
                new BlockMeta.FileEntry("meta.json", -1)));
    assertEquals(m, BlockMeta.read(write(m.toJson())));
  }

  @Test
  void readsTheMetaOfABlockOurWriterWrote() throws IOException {
    long min = 7_200_000L * 100;
    BlockSeries s =
        QueryData.encode(
            QueryData.Series.of(Labels.of("__name__", "a"), new long[] {min}, 0.0), 120);
    Path block =
        BlockWriter.write(
            dir.resolve("t"), min, min + 7_200_000L, List.of(s), Labels.of("cluster", "c"), "tt");
    BlockMeta m = BlockMeta.read(block);
    assertEquals(block.getFileName().toString(), m.ulid());
    assertEquals(min, m.minTime());
    assertEquals(min + 7_200_000L, m.maxTime());
    assertEquals(1, m.numSamples());
    assertEquals(Map.of("cluster", "c", "tenant_id", "tt"), m.labels());
    assertEquals(
        m.toJson(),
        Files.readString(block.resolve("meta.json"), StandardCharsets.UTF_8),
        "what we read writes the same file again");
  }

  @Test
  void readsPrometheusMetaWithoutThanosSection() throws Exception {
    Path golden = IndexGoldenTest.goldenIndex().getParent();
    BlockMeta m = BlockMeta.read(golden);
    assertEquals(
        new BlockMeta(
            "01M87SMJPT7VGRSG54W3XHVP81",
            1700000000000L,
            1700002235001L,
            210,
            4,
            5,
            1,
            List.of("01M87SMJPT7VGRSG54W3XHVP81"),
            Map.of(),
            "",
            0,
            List.of(),
            List.of()),
        m);
  }

  @Test
  void readsThanosMetaWithKeysWeDoNotUse() throws IOException {
    String json =
        "{\n"
            + "  \"ulid\": \""
            + ULID
            + "\", \"minTime\": -5, \"maxTime\": 1000,\n"
            + "  \"stats\": {\"numSamples\": 12, \"numSeries\": 3, \"numChunks\": 4, \"numTombstones\": 0,"
            + " \"numFloatSamples\": 12},\n"
            + "  \"compaction\": {\"level\": 3, \"sources\": [\"01JDFK6C00QX2V4Y6Z8A0B1C2E\", \"01JDFK6C00QX2V4Y6Z8A0B1C2F\"],"
            + " \"parents\": [{\"ulid\": \"01JDFK6C00QX2V4Y6Z8A0B1C2E\", \"minTime\": 0, \"maxTime\": 1}],"
            + " \"hints\": [\"from-out-of-order\"], \"deletable\": false},\n"
            + "  \"version\": 1,\n"
            + "  \"thanos\": {\"version\": 1, \"labels\": {\"replica\": \"r1\", \"tenant_id\": \"x\"},"
            + " \"downsample\": {\"resolution\": 300000}, \"source\": \"compactor\","
            + " \"segment_files\": [\"000001\"],"
            + " \"files\": [{\"rel_path\": \"chunks/000001\", \"size_bytes\": 99,"
            + " \"hash\": {\"hashFunc\": \"SHA256\", \"value\": \"ab\"}}, {\"rel_path\": \"meta.json\"}],"
            + " \"rewrites\": [{\"sources\": [], \"deletionsApplied\": []}], \"index_stats\": {\"series_max_size\": 10}},\n"
            + "  \"extra\": null\n"
            + "}";
    BlockMeta m = BlockMeta.read(write(json));
    assertEquals(
        new BlockMeta(
            ULID,
            -5,
            1000,
            12,
            3,
            4,
            3,
            List.of("01JDFK6C00QX2V4Y6Z8A0B1C2E", "01JDFK6C00QX2V4Y6Z8A0B1C2F"),
            Map.of("replica", "r1", "tenant_id", "x"),
            "compactor",
            300000,
            List.of("000001"),
            List.of(
                new BlockMeta.FileEntry("chunks/000001", 99),
                new BlockMeta.FileEntry("meta.json", -1))),
        m);
  }

  @Test
  void missingOptionalPartsAreEmpty() throws IOException {
    BlockMeta m =
        BlockMeta.read(
            write(
                "{\"ulid\":\""
                    + ULID
                    + "\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
                    + "\"thanos\":{\"labels\":null}}"));
    assertEquals(
        new BlockMeta(ULID, 1, 2, 0, 0, 0, 0, List.of(), Map.of(), "", 0, List.of(), List.of()), m);
  }

  @Test
  void requiredFieldsAndTheVersionAreChecked() throws IOException {
    String ok = "\"ulid\":\"" + ULID + "\",\"minTime\":1,\"maxTime\":2";
    assertFails("{\"minTime\":1,\"maxTime\":2,\"version\":1}", "\"ulid\" is missing");
    assertFails(
        "{\"ulid\":\"" + ULID + "\",\"maxTime\":2,\"version\":1}", "\"minTime\" is missing");
    assertFails(
        "{\"ulid\":\"" + ULID + "\",\"minTime\":1,\"version\":1}", "\"maxTime\" is missing");
    assertFails("{" + ok + "}", "version");
    assertFails("{" + ok + ",\"version\":2}", "unsupported meta.json version 2");
    assertFails("{" + ok + ",\"version\":\"1\"}", "version");
    assertFails(
        "{\"ulid\":\"not-a-ulid\",\"minTime\":1,\"maxTime\":2,\"version\":1}", "not a ULID");
    assertFails(
        "{\"ulid\":\"" + ULID + "\",\"minTime\":1.5,\"maxTime\":2,\"version\":1}",
        "\"minTime\" is not a 64-bit");
    assertFails(
        "{\"ulid\":\"" + ULID + "\",\"minTime\":3,\"maxTime\":2,\"version\":1}", "after maxTime");
    assertFails("{" + ok + ",\"version\":1,\"stats\":[]}", "\"stats\" is not an object");
    assertFails("{" + ok + ",\"version\":1,\"thanos\":{\"labels\":{\"a\":1}}}", "label \"a\"");
    assertFails(
        "{" + ok + ",\"version\":1,\"thanos\":{\"files\":[{\"size_bytes\":1}]}}",
        "\"rel_path\" is missing");
    assertFails("{" + ok + ",\"version\":1", "not valid JSON");
    assertFails("[]", "not a JSON object");
    assertThrows(IOException.class, () -> BlockMeta.read(dir.resolve("absent")));
  }

  private void assertFails(String json, String expected) throws IOException {
    Path d = write(json);
    IOException e = assertThrows(IOException.class, () -> BlockMeta.read(d), json);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(
        e.getMessage().contains(d.resolve("meta.json").toString()),
        "names the file: " + e.getMessage());
  }
}
