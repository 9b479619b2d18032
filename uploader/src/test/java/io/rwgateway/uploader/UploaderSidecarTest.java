package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Uploader#sidecar}: one shipper over Prometheus' data directory, on its own thread. */
class UploaderSidecarTest {
  private static final UploaderSettings FAST =
      new UploaderSettings(
          Duration.ofMillis(50),
          Duration.ofMillis(20),
          Duration.ofMillis(100),
          Duration.ofSeconds(10),
          Duration.ofMinutes(10));

  @TempDir Path tmp;

  @Test
  void shipsWhatPrometheusWritesWhileRunning() throws Exception {
    Path dataDir = tmp.resolve("prometheus");
    FilesystemBucket fs = new FilesystemBucket(tmp.resolve("bucket"));
    List<Path> first =
        ShipPromBlocks.promtool(
            dataDir, ShipPromBlocks.T0, ShipPromBlocks.T0 + 2 * ShipPromBlocks.HOUR);
    try (Uploader uploader =
        Uploader.sidecar(
            dataDir,
            "sidecar",
            fs,
            new PrometheusRegistry(),
            FAST,
            ShipperOptions.sidecar(() -> Labels.of("cluster", "eu1")))) {
      uploader.start();
      await(fs, first.get(0));
      List<Path> later =
          ShipPromBlocks.promtool(
              dataDir,
              ShipPromBlocks.T0 + 2 * ShipPromBlocks.HOUR,
              ShipPromBlocks.T0 + 4 * ShipPromBlocks.HOUR);
      await(fs, later.get(0)); // found by the interval's scan: Prometheus sends no wake-up
    }
    assertEquals(2, fs.list("").size());
  }

  @Test
  void receiveOptionsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Uploader.sidecar(
                tmp,
                "sidecar",
                new FilesystemBucket(tmp.resolve("b")),
                new PrometheusRegistry(),
                FAST,
                ShipperOptions.RECEIVE));
  }

  private static void await(FilesystemBucket fs, Path block) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Path meta = fs.root().resolve(ShipPromBlocks.ulid(block)).resolve("meta.json");
    while (!Files.exists(meta)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not shipped in time: " + block);
      }
      Thread.sleep(10);
    }
  }
}
