package io.rwgateway.gateway;

import io.rwgateway.uploader.ObjstoreConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code gateway sidecar} runs with, checked ({@link SidecarCommand}).
 *
 * @param httpClientYaml Thanos' HTTP client settings for Prometheus; empty for none
 * @param objstore the bucket, or null: nothing is shipped
 * @param grpcTls the gRPC server's TLS (a null certificate: plaintext)
 */
record SidecarConfig(
    String prometheusUrl,
    String httpClientYaml,
    Duration readyTimeout,
    Duration configInterval,
    Path tsdbPath,
    String grpcAddress,
    String httpAddress,
    StoreGrpcServer.Tls grpcTls,
    ObjstoreConfig objstore,
    boolean uploadCompacted,
    boolean ignoreUnequalBlockSize,
    String shipperMetaFileName,
    ThanosTime minTime,
    long storeSeriesLimit,
    long storeSamplesLimit) {}
