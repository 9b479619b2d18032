package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thanos' objstore metrics around a real filesystem bucket, failures included. */
class InstrumentedBucketTest {
  @TempDir Path dir;

  @Test
  void countsOperationsAndFailuresByThanosNames() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    ShipFaultyBucket faulty = new ShipFaultyBucket(new FilesystemBucket(dir.resolve("bucket")));
    Bucket b = new InstrumentedBucket(faulty, "blocks", registry);
    assertEquals(
        0.0,
        ShipMetricValues.value(
            registry,
            "thanos_objstore_bucket_operation_failures",
            "bucket",
            "blocks",
            "operation",
            "upload"),
        "series exist at zero before any operation");

    Path file = Files.writeString(dir.resolve("f"), "x");
    b.upload("a/meta.json", file);
    assertTrue(b.exists("a/meta.json"));
    assertEquals(List.of("a/"), b.list(""));
    b.download("a/meta.json", dir.resolve("g"));
    assertEquals("x", Files.readString(dir.resolve("g")));
    b.delete("a/meta.json");

    faulty.failNext(1, true);
    assertThrows(IOException.class, () -> b.upload("b/meta.json", file));

    assertEquals(2.0, value(registry, "thanos_objstore_bucket_operations", "upload"));
    assertEquals(1.0, value(registry, "thanos_objstore_bucket_operation_failures", "upload"));
    assertEquals(1.0, value(registry, "thanos_objstore_bucket_operations", "exists"));
    assertEquals(1.0, value(registry, "thanos_objstore_bucket_operations", "iter"));
    assertEquals(1.0, value(registry, "thanos_objstore_bucket_operations", "get"));
    assertEquals(1.0, value(registry, "thanos_objstore_bucket_operations", "delete"));
    assertEquals(0.0, value(registry, "thanos_objstore_bucket_operation_failures", "get"));
    double last =
        ShipMetricValues.value(
            registry, "thanos_objstore_bucket_last_successful_upload_time", "bucket", "blocks");
    assertTrue(Math.abs(last - System.currentTimeMillis() / 1000.0) < 60, "upload time: " + last);
  }

  private static double value(PrometheusRegistry r, String name, String op) {
    return ShipMetricValues.value(r, name, "bucket", "blocks", "operation", op);
  }
}
