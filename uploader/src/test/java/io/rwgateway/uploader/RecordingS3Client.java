package io.rwgateway.uploader;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Wraps a real {@link S3Client}: counts the calls {@link S3Bucket} makes, keeps the requests, and
 * runs {@link #afterUploadPart} after each part (to stop the server mid-upload).
 */
final class RecordingS3Client implements S3Client {
  private final S3Client delegate;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<Object> requests = new CopyOnWriteArrayList<>();
  volatile Runnable afterUploadPart = () -> {};

  RecordingS3Client(S3Client delegate) {
    this.delegate = delegate;
  }

  int calls(String op) {
    AtomicInteger n = calls.get(op);
    return n == null ? 0 : n.get();
  }

  <T> List<T> requests(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private void record(String op, Object request) {
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    requests.add(request);
  }

  @Override
  public PutObjectResponse putObject(PutObjectRequest r, RequestBody body) {
    record("putObject", r);
    return delegate.putObject(r, body);
  }

  @Override
  public HeadObjectResponse headObject(HeadObjectRequest r) {
    record("headObject", r);
    return delegate.headObject(r);
  }

  /** Straight to the server, not recorded: for a test to look at what was stored. */
  HeadObjectResponse headObjectRaw(HeadObjectRequest r) {
    return delegate.headObject(r);
  }

  @Override
  public ListObjectsV2Response listObjectsV2(ListObjectsV2Request r) {
    record("listObjectsV2", r);
    return delegate.listObjectsV2(r);
  }

  @Override
  public <T> T getObject(GetObjectRequest r, ResponseTransformer<GetObjectResponse, T> t) {
    record("getObject", r);
    return delegate.getObject(r, t);
  }

  @Override
  public DeleteObjectResponse deleteObject(DeleteObjectRequest r) {
    record("deleteObject", r);
    return delegate.deleteObject(r);
  }

  @Override
  public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest r) {
    record("createMultipartUpload", r);
    return delegate.createMultipartUpload(r);
  }

  @Override
  public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
    record("uploadPart", r);
    UploadPartResponse resp = delegate.uploadPart(r, body);
    afterUploadPart.run();
    return resp;
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest r) {
    record("completeMultipartUpload", r);
    return delegate.completeMultipartUpload(r);
  }

  @Override
  public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest r) {
    record("abortMultipartUpload", r);
    return delegate.abortMultipartUpload(r);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
