package io.rwgateway.uploader;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A bucket that counts its operations under Thanos' objstore metric names ({@code
 * thanos_objstore_bucket_operations_total}, {@code ..._operation_failures_total}, {@code
 * ..._operation_duration_seconds}, {@code thanos_objstore_bucket_last_successful_upload_time}),
 * labelled {@code bucket} and {@code operation} as Thanos labels them, so that the Thanos mixin's
 * alerts and dashboards (kube-prometheus) work on a sidecar of ours unchanged.
 */
public final class InstrumentedBucket implements Bucket {
  private final Bucket inner;
  private final String name;
  private final Counter operations;
  private final Counter failures;
  private final Histogram duration;
  private final Gauge lastUpload;

  /**
   * @param name the {@code bucket} label (Thanos: the bucket's name; the filesystem bucket's
   *     directory)
   */
  public InstrumentedBucket(Bucket inner, String name, PrometheusRegistry registry) {
    this.inner = inner;
    this.name = name;
    this.operations =
        Counter.builder()
            .name("thanos_objstore_bucket_operations_total")
            .help("Bucket operations, failed or not.")
            .labelNames("bucket", "operation")
            .register(registry);
    this.failures =
        Counter.builder()
            .name("thanos_objstore_bucket_operation_failures_total")
            .help("Bucket operations that failed.")
            .labelNames("bucket", "operation")
            .register(registry);
    this.duration =
        Histogram.builder()
            .name("thanos_objstore_bucket_operation_duration_seconds")
            .help("Duration of successful bucket operations.")
            .labelNames("bucket", "operation")
            .classicUpperBounds(0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120)
            .register(registry);
    this.lastUpload =
        Gauge.builder()
            .name("thanos_objstore_bucket_last_successful_upload_time")
            .help("Second of the last successful upload.")
            .labelNames("bucket")
            .register(registry);
    // Thanos initialises every operation's series at zero: an alert on a rate sees them at once.
    for (String op : new String[] {"upload", "exists", "iter", "get", "delete"}) {
      operations.labelValues(name, op);
      failures.labelValues(name, op);
    }
    lastUpload.labelValues(name);
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T measured(String op, Call<T> call) throws IOException {
    operations.labelValues(name, op).inc();
    long start = System.nanoTime();
    try {
      T t = call.run();
      duration.labelValues(name, op).observe((System.nanoTime() - start) / 1e9);
      return t;
    } catch (IOException | RuntimeException e) {
      failures.labelValues(name, op).inc();
      throw e;
    }
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    measured(
        "upload",
        () -> {
          inner.upload(key, file);
          return null;
        });
    lastUpload.labelValues(name).set(System.currentTimeMillis() / 1000.0);
  }

  @Override
  public boolean exists(String key) throws IOException {
    return measured("exists", () -> inner.exists(key));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    return measured("iter", () -> inner.list(dir));
  }

  @Override
  public void download(String key, Path file) throws IOException {
    measured(
        "get",
        () -> {
          inner.download(key, file);
          return null;
        });
  }

  @Override
  public void delete(String key) throws IOException {
    measured(
        "delete",
        () -> {
          inner.delete(key);
          return null;
        });
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
