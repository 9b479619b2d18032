package io.rwgateway.gateway;

import io.rwgateway.ingest.RemoteWriteOptions;
import io.rwgateway.model.Labels;
import io.rwgateway.queryapi.store.StoreApiOptions;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.uploader.ObjstoreConfig;

/**
 * Everything {@code gateway receive} was configured with, resolved and validated. {@code limits}
 * are Thanos' write limits ({@code --receive.limits-config-file}); {@code testWalWriterErrorAfter}
 * is a test hook (-1: off): see {@code --test.wal-writer-error-after}.
 */
record GatewayConfig(
    String remoteWriteAddress,
    String httpAddress,
    TsdbOptions tsdb,
    RemoteWriteOptions remoteWrite,
    Labels externalLabels,
    int ringSize,
    int remoteReadMaxSamples,
    int workerThreads,
    ObjstoreConfig objstore,
    String grpcAddress,
    int replicationFactor,
    RoutingConfig routing,
    StoreApiOptions storeApi,
    LimitsConfig limits,
    io.rwgateway.ingest.memory.MemoryGuard.Watermarks memoryWatermarks,
    io.rwgateway.queryapi.QueryOptions query,
    long testWalWriterErrorAfter) {

  /**
   * Thanos' limits file: a path (re-read when it changes, checked every {@code reloadEvery}) or
   * inline YAML, or neither (no limits).
   */
  record LimitsConfig(java.nio.file.Path file, String inline, java.time.Duration reloadEvery) {
    static final LimitsConfig NONE = new LimitsConfig(null, null, java.time.Duration.ofSeconds(1));
  }
}
