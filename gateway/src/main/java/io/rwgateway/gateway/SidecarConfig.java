package io.rwgateway.gateway;

import io.rwgateway.uploader.ObjstoreConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code gateway sidecar} runs with, checked ({@link SidecarCommand}).
 *
 * @param httpClientYaml Thanos' HTTP client settings for Prometheus; empty for none
 * @param objstore the bucket, or null: nothing is shipped
 * @param tlsCert with {@code tlsKey}, the gRPC server's TLS; null: plaintext
 * @param tlsClientCa clients must present a certificate signed by it; null: not asked
 */
record SidecarConfig(
    String prometheusUrl,
    String httpClientYaml,
    Duration readyTimeout,
    Duration configInterval,
    Path tsdbPath,
    String grpcAddress,
    String httpAddress,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    ObjstoreConfig objstore,
    boolean uploadCompacted,
    boolean ignoreUnequalBlockSize,
    String shipperMetaFileName,
    ThanosTime minTime,
    long storeSeriesLimit,
    long storeSamplesLimit) {}
