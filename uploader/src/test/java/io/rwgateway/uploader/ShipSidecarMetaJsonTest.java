package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's meta.json: Prometheus' members kept, the thanos section as Thanos writes it. */
class ShipSidecarMetaJsonTest {
  @TempDir Path staged;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(staged.resolve("chunks"));
    Files.write(staged.resolve("chunks/000001"), new byte[100]);
    Files.write(staged.resolve("chunks/000002"), new byte[0]);
    Files.write(staged.resolve("index"), new byte[7]);
  }

  private String compose(String prometheusMeta, Labels labels) throws IOException {
    return new String(
        SidecarMetaJson.compose(prometheusMeta.getBytes(StandardCharsets.UTF_8), labels, staged),
        StandardCharsets.UTF_8);
  }

  private static final String THANOS =
      ",\n\t\"thanos\": {\n"
          + "\t\t\"labels\": {\n"
          + "\t\t\t\"a\": \"\\u003cb\\u003e \\u0026 \\\"q\\\" \\\\ \\n é\",\n"
          + "\t\t\t\"z\": \"1\"\n"
          + "\t\t},\n"
          + "\t\t\"downsample\": {\n"
          + "\t\t\t\"resolution\": 0\n"
          + "\t\t},\n"
          + "\t\t\"source\": \"sidecar\",\n"
          + "\t\t\"segment_files\": [\n"
          + "\t\t\t\"000001\",\n"
          + "\t\t\t\"000002\"\n"
          + "\t\t],\n"
          + "\t\t\"files\": [\n"
          + "\t\t\t{\n"
          + "\t\t\t\t\"rel_path\": \"chunks/000001\",\n"
          + "\t\t\t\t\"size_bytes\": 100\n"
          + "\t\t\t},\n"
          + "\t\t\t{\n"
          + "\t\t\t\t\"rel_path\": \"chunks/000002\"\n"
          + "\t\t\t},\n"
          + "\t\t\t{\n"
          + "\t\t\t\t\"rel_path\": \"index\",\n"
          + "\t\t\t\t\"size_bytes\": 7\n"
          + "\t\t\t},\n"
          + "\t\t\t{\n"
          + "\t\t\t\t\"rel_path\": \"meta.json\"\n"
          + "\t\t\t}\n"
          + "\t\t]\n"
          + "\t}\n"
          + "}\n";

  private static final Labels LABELS = Labels.of("z", "1", "a", "<b> & \"q\" \\ \n é");

  @Test
  void everyPrometheusMemberIsKeptInItsOrderAndLayout() throws IOException {
    // Members Prometheus writes only sometimes (tombstones, parents, hints), a uint64 beyond a
    // Java long, and members no Prometheus writes today (a later one might).
    String prometheus =
        "{\n"
            + "\t\"ulid\": \"01HF9J5G00AAAAAAAAAAAAAAAA\",\n"
            + "\t\"minTime\": -5,\n"
            + "\t\"maxTime\": 7200000,\n"
            + "\t\"stats\": {\n"
            + "\t\t\"numSamples\": 18446744073709551615,\n"
            + "\t\t\"numSeries\": 3,\n"
            + "\t\t\"numTombstones\": 2\n"
            + "\t},\n"
            + "\t\"compaction\": {\n"
            + "\t\t\"level\": 2,\n"
            + "\t\t\"sources\": [\n"
            + "\t\t\t\"01HF9J5G00BBBBBBBBBBBBBBBB\"\n"
            + "\t\t],\n"
            + "\t\t\"parents\": [\n"
            + "\t\t\t{\n"
            + "\t\t\t\t\"ulid\": \"01HF9J5G00BBBBBBBBBBBBBBBB\",\n"
            + "\t\t\t\t\"minTime\": -5,\n"
            + "\t\t\t\t\"maxTime\": 7200000\n"
            + "\t\t\t}\n"
            + "\t\t],\n"
            + "\t\t\"failed\": true,\n"
            + "\t\t\"hints\": [\n"
            + "\t\t\t\"from-out-of-order\"\n"
            + "\t\t]\n"
            + "\t},\n"
            + "\t\"version\": 1,\n"
            + "\t\"future\": {},\n"
            + "\t\"futureList\": [],\n"
            + "\t\"futureNull\": null,\n"
            + "\t\"futureFloat\": 0.25\n"
            + "}";
    assertEquals(
        prometheus.substring(0, prometheus.length() - "\n}".length()) + THANOS,
        compose(prometheus, LABELS));
  }

  @Test
  void anotherLayoutIsRewrittenAsGoWritesItAndAThanosMemberIsReplaced() throws IOException {
    String compact =
        "{\"ulid\":\"01HF9J5G00AAAAAAAAAAAAAAAA\",\"thanos\":{\"source\":\"receive\","
            + "\"labels\":{\"x\":\"y\"}},\"minTime\":0,\"maxTime\":1,\"version\":1}\n";
    assertEquals(
        "{\n"
            + "\t\"ulid\": \"01HF9J5G00AAAAAAAAAAAAAAAA\",\n"
            + "\t\"minTime\": 0,\n"
            + "\t\"maxTime\": 1,\n"
            + "\t\"version\": 1"
            + THANOS,
        compose(compact, LABELS));
  }

  @Test
  void notAJsonObjectIsAnError() {
    IOException e = assertThrows(IOException.class, () -> compose("[1]", LABELS));
    assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
    assertThrows(IOException.class, () -> compose("{\"ulid\":", LABELS));
  }
}
