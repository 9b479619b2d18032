package io.rwgateway.uploader;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link Bucket} in S3 or an S3-compatible store (MinIO, Ceph RGW, S3Proxy...), on the AWS SDK v2
 * sync client with the Apache HTTP client, configured as Thanos' {@code type: S3} (see {@link
 * S3Config} for path-style versus virtual-hosted addressing and {@link S3Errors} for how failures
 * are classified).
 *
 * <p>Files larger than {@code part_size} go up as a multipart upload ({@link S3MultipartUpload}),
 * unless {@code disable_multipart}; smaller ones with one PUT. Either way the object appears whole
 * or not at all. With {@code send_content_md5} (the default) every request body carries its MD5, so
 * the server refuses a damaged upload.
 *
 * <p>The SDK retries a failed call at most once ({@link S3Clients#MAX_ATTEMPTS}): the shipper owns
 * the backoff. Thread-safe, as the SDK client is.
 */
public final class S3Bucket implements Bucket {
  static final int DEFAULT_LIST_PAGE_SIZE = 1000;
  private static final AtomicLong TMP_SEQ = new AtomicLong();

  private final S3Config cfg;
  private final S3Client s3;
  private final S3Errors errors;
  private final S3PutOptions putOptions;
  private final S3MultipartUpload multipart;
  private final int listPageSize;

  /**
   * Builds the SDK client; fails when the config cannot be used (an unreadable {@code ca_file}).
   */
  public S3Bucket(S3Config cfg) throws ObjstoreConfigException {
    this(cfg, S3Clients.build(cfg), DEFAULT_LIST_PAGE_SIZE);
  }

  /**
   * With a given client (tests wrap it to inject failures) and list page size ({@code max-keys}).
   */
  S3Bucket(S3Config cfg, S3Client s3, int listPageSize) {
    this.cfg = cfg;
    this.s3 = s3;
    this.errors = new S3Errors(cfg);
    this.putOptions = new S3PutOptions(cfg);
    this.multipart = new S3MultipartUpload(s3, cfg, errors, putOptions);
    this.listPageSize = listPageSize;
  }

  public S3Config config() {
    return cfg;
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    checkKey(key);
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new BucketException(
          "cannot upload \"" + key + "\" to " + describe() + ": no file " + file, "io", true, e);
    }
    if (!cfg.disableMultipart() && size > cfg.partSize()) {
      multipart.upload(key, file, size);
      return;
    }
    PutObjectRequest.Builder req =
        putOptions.apply(
            PutObjectRequest.builder().bucket(cfg.bucket()).key(key).contentLength(size));
    if (cfg.sendContentMd5()) {
      req.contentMD5(md5(key, describe(), new FileSlice(file, 0, size)));
    }
    try {
      s3.putObject(
          req.build(),
          RequestBody.fromContentProvider(
              new FileSlice(file, 0, size)::open, size, "application/octet-stream"));
    } catch (RuntimeException e) {
      throw errors.map("upload", key, e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    checkKey(key);
    try {
      s3.headObject(HeadObjectRequest.builder().bucket(cfg.bucket()).key(key).build());
      return true;
    } catch (SdkServiceException e) {
      // NOTE: HEAD answers have no body, so a missing bucket is also a bare 404 here; list() and
      // upload() name it properly.
      if (e.statusCode() == 404) {
        return false;
      }
      throw errors.map("exists", key, e);
    } catch (RuntimeException e) {
      throw errors.map("exists", key, e);
    }
  }

  @Override
  public List<String> list(String dir) throws IOException {
    if (!dir.isEmpty() && !dir.endsWith("/")) {
      throw new BucketException(
          "a directory to list ends with /: \"" + dir + "\"", "invalid_key", false, null);
    }
    List<String> out = new ArrayList<>();
    String token = null;
    try {
      do {
        ListObjectsV2Response page =
            s3.listObjectsV2(
                ListObjectsV2Request.builder()
                    .bucket(cfg.bucket())
                    .prefix(dir)
                    .delimiter("/")
                    .maxKeys(listPageSize)
                    .continuationToken(token)
                    .build());
        for (CommonPrefix p : page.commonPrefixes()) {
          out.add(p.prefix());
        }
        for (S3Object o : page.contents()) {
          // Some stores list a "directory marker" object named like the prefix itself.
          if (!o.key().equals(dir)) {
            out.add(o.key());
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (RuntimeException e) {
      throw errors.map("list", dir, e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void download(String key, Path file) throws IOException {
    checkKey(key);
    // Into a temporary sibling first: the SDK refuses an existing target, and a failed download
    // must not leave a truncated file under the real name.
    Path tmp =
        file.resolveSibling(file.getFileName() + "." + TMP_SEQ.incrementAndGet() + ".download");
    try {
      s3.getObject(
          GetObjectRequest.builder().bucket(cfg.bucket()).key(key).build(),
          ResponseTransformer.toFile(tmp));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (RuntimeException e) {
      throw errors.map("download", key, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    checkKey(key);
    try {
      s3.deleteObject(DeleteObjectRequest.builder().bucket(cfg.bucket()).key(key).build());
    } catch (RuntimeException e) {
      throw errors.map("delete", key, e);
    }
  }

  @Override
  public String describe() {
    return "s3 bucket " + cfg.bucket() + " at " + cfg.endpointDescription();
  }

  @Override
  public void close() {
    s3.close();
  }

  /**
   * The slice's MD5; a local read failure is an {@code io} error, not a bucket one, retryable as
   * every local disk error is (see {@link ShipperSyncException}).
   */
  static String md5(String key, String bucket, FileSlice slice) throws BucketException {
    try {
      return slice.md5Base64();
    } catch (IOException e) {
      throw new BucketException(
          "cannot upload \""
              + key
              + "\" to "
              + bucket
              + ": reading "
              + slice.file()
              + " failed: "
              + e,
          "io",
          true,
          e);
    }
  }

  private static void checkKey(String key) throws BucketException {
    if (key.isEmpty() || key.startsWith("/")) {
      throw new BucketException("invalid object key \"" + key + "\"", "invalid_key", false, null);
    }
  }
}
