package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.block.BlockWriter;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper against a real S3 implementation (S3Proxy on loopback): a block big enough for a
 * multipart chunk upload, the server dying in the middle of a block, skip-if-present.
 */
class ShipperS3Test {
  private static final long T0 = 1_700_000_000_000L / 7_200_000L * 7_200_000L;

  @TempDir Path dir;

  /**
   * A block whose chunk file is about 9 MB of incompressible samples (more than one 5 MiB part).
   */
  private static Path bigBlock(Path tenantDir) throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    List<BlockSeries> series = new ArrayList<>();
    int n = 20_000;
    long[] t = new long[n];
    long[] bits = new long[n];
    for (int s = 0; s < 50; s++) {
      for (int i = 0; i < n; i++) {
        t[i] = T0 + i * 100L;
        bits[i] = Double.doubleToRawLongBits(rnd.nextDouble());
      }
      series.add(
          BlockSeries.encode(
              Labels.of("__name__", "noise", "s", String.format("%03d", s)), t, bits, n));
    }
    return BlockWriter.write(
        tenantDir, T0, T0 + 7_200_000L, series, Labels.of("replica", "a"), "t");
  }

  @Test
  void aServerOutageInTheMiddleOfABlockLeavesNoVisibleBlockAndTheNextSyncCompletesIt()
      throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(dir.resolve("s3"));
        S3Bucket bucket = new S3Bucket(s3.configBuilder().partSize(5L << 20).build())) {
      Path tenantDir = Files.createDirectories(dir.resolve("tsdb").resolve("t"));
      Path block = bigBlock(tenantDir);
      String ulid = block.getFileName().toString();
      assertTrue(
          Files.size(block.resolve("chunks").resolve("000001")) > (5L << 20),
          "a multipart-sized chunk file");
      // The server goes down once the chunks are up, as the index upload starts.
      AtomicBoolean once = new AtomicBoolean();
      Bucket dying =
          (Bucket)
              Proxy.newProxyInstance(
                  Bucket.class.getClassLoader(),
                  new Class<?>[] {Bucket.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("upload")
                        && ((String) args[0]).endsWith("/index")
                        && once.compareAndSet(false, true)) {
                      s3.stop();
                    }
                    try {
                      return method.invoke(bucket, args);
                    } catch (InvocationTargetException ex) {
                      throw ex.getCause();
                    }
                  });
      Shipper shipper =
          new Shipper("t", tenantDir, dying, new ShipperMetrics(new PrometheusRegistry()));
      ShipperSyncException e = assertThrows(ShipperSyncException.class, shipper::sync);
      assertTrue(e.retryable(), e.toString());
      assertFalse(shipper.isShipped(ulid));

      s3.start();
      assertTrue(bucket.exists(ulid + "/chunks/000001"), "the chunks went up before the outage");
      assertFalse(
          bucket.exists(ulid + "/meta.json"),
          "without meta.json the block is not visible to Thanos");
      assertEquals(1, shipper.sync());
      assertTrue(shipper.isShipped(ulid));
      assertEquals(List.of(ulid + "/"), bucket.list(""));
      assertEquals(
          List.of(ulid + "/chunks/", ulid + "/index", ulid + "/meta.json"),
          bucket.list(ulid + "/"));
      for (String f : List.of("chunks/000001", "index", "meta.json")) {
        Path back = dir.resolve("back-" + f.replace('/', '-'));
        bucket.download(ulid + "/" + f, back);
        assertTrue(
            Arrays.equals(Files.readAllBytes(block.resolve(f)), Files.readAllBytes(back)),
            f + " intact");
      }
    }
  }

  @Test
  void aBlockAlreadyInTheBucketIsNotUploadedAgainEvenWithoutAStateFile() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(dir.resolve("s3"));
        S3Bucket bucket = s3.newBucket()) {
      Path tenantDir = Files.createDirectories(dir.resolve("tsdb").resolve("t"));
      Path block = ShipTestBlocks.write(tenantDir, T0);
      Shipper first =
          new Shipper("t", tenantDir, bucket, new ShipperMetrics(new PrometheusRegistry()));
      assertEquals(1, first.sync());
      Files.delete(
          tenantDir.resolve(ShippedState.FILENAME)); // e.g. a fresh volume with the same blocks

      ShipRecordingBucket recording = new ShipRecordingBucket(bucket);
      Shipper second =
          new Shipper("t", tenantDir, recording, new ShipperMetrics(new PrometheusRegistry()));
      second.sync();
      assertTrue(second.isShipped(block.getFileName().toString()));
      assertEquals(List.of(), recording.uploads(), "skip-if-present: nothing uploaded twice");
    }
  }
}
