package io.rwgateway.tsdb.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Labels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaJsonTest {
  private static final String ULID = "01JDFK6C00QX2V4Y6Z8A0B1C2D";

  @Test
  void fullMetaAsThanosWritesIt() {
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
            Map.of("tenant_id", "team-a", "cluster", "eu1"),
            "receive",
            0,
            List.of("000001"),
            List.of(
                new BlockMeta.FileEntry("chunks/000001", 2466),
                new BlockMeta.FileEntry("index", 734),
                new BlockMeta.FileEntry("meta.json", -1)));
    String expected =
        String.join(
            "\n",
            "{",
            "\t\"ulid\": \"01JDFK6C00QX2V4Y6Z8A0B1C2D\",",
            "\t\"minTime\": 1732456800000,",
            "\t\"maxTime\": 1732464000000,",
            "\t\"stats\": {",
            "\t\t\"numSamples\": 960,",
            "\t\t\"numSeries\": 2,",
            "\t\t\"numChunks\": 8",
            "\t},",
            "\t\"compaction\": {",
            "\t\t\"level\": 1,",
            "\t\t\"sources\": [",
            "\t\t\t\"01JDFK6C00QX2V4Y6Z8A0B1C2D\"",
            "\t\t]",
            "\t},",
            "\t\"version\": 1,",
            "\t\"thanos\": {",
            "\t\t\"version\": 1,",
            "\t\t\"labels\": {",
            "\t\t\t\"cluster\": \"eu1\",",
            "\t\t\t\"tenant_id\": \"team-a\"",
            "\t\t},",
            "\t\t\"downsample\": {",
            "\t\t\t\"resolution\": 0",
            "\t\t},",
            "\t\t\"source\": \"receive\",",
            "\t\t\"segment_files\": [",
            "\t\t\t\"000001\"",
            "\t\t],",
            "\t\t\"files\": [",
            "\t\t\t{",
            "\t\t\t\t\"rel_path\": \"chunks/000001\",",
            "\t\t\t\t\"size_bytes\": 2466",
            "\t\t\t},",
            "\t\t\t{",
            "\t\t\t\t\"rel_path\": \"index\",",
            "\t\t\t\t\"size_bytes\": 734",
            "\t\t\t},",
            "\t\t\t{",
            "\t\t\t\t\"rel_path\": \"meta.json\"",
            "\t\t\t}",
            "\t\t]",
            "\t}",
            "}",
            "");
    assertEquals(expected, m.toJson());
  }

  @Test
  void emptyLabelsAreAnEmptyObjectAndEmptyListsAreLeftOut() {
    BlockMeta m =
        new BlockMeta(
            ULID, 0, 1, 0, 0, 0, 1, List.of(), Map.of(), "receive", 0, List.of(), List.of());
    String json = m.toJson();
    assertEquals(true, json.contains("\t\t\"labels\": {},\n"), json);
    assertEquals(false, json.contains("sources"), json);
    assertEquals(false, json.contains("segment_files"), json);
    assertEquals(false, json.contains("files"), json);
  }

  @Test
  void escapesLikeGoEncodingJson() {
    StringBuilder sb = new StringBuilder();
    JsonStrings.quote(
        sb, "a\"b\\c\nd\re\tf\bg\fh\u0001i<j>k&l\u2028m\u2029n\u00e9o\uD83D\uDE00p\uD800q\u007f");
    assertEquals(
        "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u003cj\\u003ek\\u0026l\\u2028m\\u2029n\u00e9o\uD83D\uDE00p\\ufffdq\u007f\"",
        sb.toString());
  }

  @Test
  void labelKeysAreSortedByUtf8Bytes() {
    // U+FF5E sorts before U+1F600 in UTF-8 bytes but after it in UTF-16 units.
    BlockMeta m =
        new BlockMeta(
            ULID,
            0,
            1,
            1,
            1,
            1,
            1,
            List.of(ULID),
            Map.of("\uD83D\uDE00", "x", "\uFF5E", "y"),
            "receive",
            0,
            List.of(),
            List.of());
    String json = m.toJson();
    assertEquals(true, json.indexOf("\uFF5E") < json.indexOf("\uD83D\uDE00"), json);
  }

  @Test
  void thanosLabelsAddTheTenantAndItWins() {
    Map<String, String> l =
        BlockLayout.thanosLabels(Labels.of("cluster", "eu1", "tenant_id", "x"), "team-a");
    assertEquals(Map.of("cluster", "eu1", "tenant_id", "team-a"), l);
  }
}
