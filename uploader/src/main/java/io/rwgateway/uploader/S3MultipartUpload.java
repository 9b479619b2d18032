package io.rwgateway.uploader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * One file uploaded as an S3 multipart upload: create, upload the parts in order, complete.
 *
 * <p>NOTE: S3 makes the object visible only on complete, so a failure part-way leaves no object,
 * just an unfinished upload that holds storage. We abort it on failure; when that fails too (the
 * server is down, which is the usual cause) the parts stay until a bucket lifecycle rule ({@code
 * AbortIncompleteMultipartUpload}) removes them, which is why the docs recommend one.
 *
 * <p>Parts go one after another: the shipper uploads blocks in the background and a sequential
 * upload keeps memory and connections flat.
 */
final class S3MultipartUpload {
  private static final Logger log = LoggerFactory.getLogger(S3MultipartUpload.class);

  /** S3's limit on the number of parts. */
  static final int MAX_PARTS = 10_000;

  private final S3Client s3;
  private final S3Config cfg;
  private final S3Errors errors;
  private final S3PutOptions putOptions;

  S3MultipartUpload(S3Client s3, S3Config cfg, S3Errors errors, S3PutOptions putOptions) {
    this.s3 = s3;
    this.cfg = cfg;
    this.errors = errors;
    this.putOptions = putOptions;
  }

  /**
   * The part size for a file: the configured one, grown when the file would need more than 10 000
   * parts.
   */
  static long partSizeFor(long configured, long fileSize) {
    return Math.max(configured, (fileSize + MAX_PARTS - 1) / MAX_PARTS);
  }

  void upload(String key, Path file, long size) throws IOException {
    String uploadId;
    try {
      uploadId =
          s3.createMultipartUpload(
                  putOptions
                      .apply(CreateMultipartUploadRequest.builder().bucket(cfg.bucket()).key(key))
                      .build())
              .uploadId();
    } catch (RuntimeException e) {
      throw errors.map("create multipart upload", key, e);
    }
    try {
      List<CompletedPart> parts = uploadParts(key, file, size, uploadId);
      s3.completeMultipartUpload(
          CompleteMultipartUploadRequest.builder()
              .bucket(cfg.bucket())
              .key(key)
              .uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
              .build());
    } catch (RuntimeException | IOException e) {
      abort(key, uploadId, e);
      if (e instanceof RuntimeException re) {
        throw errors.map("multipart upload", key, re);
      }
      throw e;
    }
  }

  private List<CompletedPart> uploadParts(String key, Path file, long size, String uploadId)
      throws IOException {
    long partSize = partSizeFor(cfg.partSize(), size);
    List<CompletedPart> parts = new ArrayList<>();
    int number = 1;
    for (long off = 0; off < size; off += partSize, number++) {
      FileSlice slice = new FileSlice(file, off, Math.min(partSize, size - off));
      UploadPartRequest.Builder req =
          UploadPartRequest.builder()
              .bucket(cfg.bucket())
              .key(key)
              .uploadId(uploadId)
              .partNumber(number)
              .contentLength(slice.length());
      if (cfg.sendContentMd5()) {
        req.contentMD5(S3Bucket.md5(key, "bucket " + cfg.bucket(), slice));
      }
      String etag =
          s3.uploadPart(
                  req.build(),
                  RequestBody.fromContentProvider(
                      slice::open, slice.length(), "application/octet-stream"))
              .eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }
    return parts;
  }

  /** Best effort: the original failure is what the caller needs to see. */
  private void abort(String key, String uploadId, Exception cause) {
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder()
              .bucket(cfg.bucket())
              .key(key)
              .uploadId(uploadId)
              .build());
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      log.warn(
          "could not abort the failed multipart upload of {} in bucket {} ({}); its parts stay until a "
              + "lifecycle rule removes them",
          key,
          cfg.bucket(),
          e.toString());
    }
  }
}
