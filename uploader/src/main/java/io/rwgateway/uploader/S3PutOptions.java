package io.rwgateway.uploader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * What every new object carries, whether written by one PUT or by a multipart upload: Thanos'
 * {@code put_user_metadata} (with {@code X-Amz-Storage-Class} as the storage class) and the
 * server-side encryption of {@code sse_config}. The two SDK request builders share no interface,
 * hence one method each.
 */
final class S3PutOptions {
  private final S3Config cfg;
  private final String kmsContext;

  S3PutOptions(S3Config cfg) {
    this.cfg = cfg;
    this.kmsContext = cfg.kmsEncryptionContext().isEmpty() ? null : base64Json(cfg);
  }

  PutObjectRequest.Builder apply(PutObjectRequest.Builder b) {
    if (!cfg.userMetadata().isEmpty()) {
      b.metadata(cfg.userMetadata());
    }
    if (cfg.storageClass() != null) {
      b.storageClass(cfg.storageClass());
    }
    switch (cfg.sse()) {
      case SSE_S3 -> b.serverSideEncryption(ServerSideEncryption.AES256);
      case SSE_KMS ->
          b.serverSideEncryption(ServerSideEncryption.AWS_KMS)
              .ssekmsKeyId(cfg.kmsKeyId())
              .ssekmsEncryptionContext(kmsContext);
      case NONE -> {}
    }
    return b;
  }

  CreateMultipartUploadRequest.Builder apply(CreateMultipartUploadRequest.Builder b) {
    if (!cfg.userMetadata().isEmpty()) {
      b.metadata(cfg.userMetadata());
    }
    if (cfg.storageClass() != null) {
      b.storageClass(cfg.storageClass());
    }
    switch (cfg.sse()) {
      case SSE_S3 -> b.serverSideEncryption(ServerSideEncryption.AES256);
      case SSE_KMS ->
          b.serverSideEncryption(ServerSideEncryption.AWS_KMS)
              .ssekmsKeyId(cfg.kmsKeyId())
              .ssekmsEncryptionContext(kmsContext);
      case NONE -> {}
    }
    return b;
  }

  /** S3 wants the KMS encryption context as base64 of a JSON object. */
  private static String base64Json(S3Config cfg) {
    try {
      String json = new ObjectMapper().writeValueAsString(cfg.kmsEncryptionContext());
      return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }
}
