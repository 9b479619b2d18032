package io.rwgateway.gateway;

import io.rwgateway.ingest.RemoteWriteOptions;
import io.rwgateway.model.Labels;
import io.rwgateway.queryapi.store.StoreApiOptions;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.uploader.ObjstoreConfig;

/**
 * Everything {@code gateway receive} was configured with, resolved and validated. {@code
 * testWalWriterErrorAfter} is a test hook (-1: off): see {@code --test.wal-writer-error-after}.
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
    long testWalWriterErrorAfter) {}
