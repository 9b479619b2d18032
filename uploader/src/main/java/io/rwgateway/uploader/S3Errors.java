package io.rwgateway.uploader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Turns what the AWS SDK throws into a {@link BucketException} with a reason label and a retryable
 * flag, deciding on the exception's type, HTTP status and S3 error code, never on message text:
 *
 * <ul>
 *   <li>no answer (connection refused or reset, timeout, DNS): {@code network}, retryable;
 *   <li>5xx: {@code server}, retryable; 429 or a throttling code ({@code SlowDown}...): {@code
 *       throttled}, retryable; S3's 400 {@code RequestTimeout}: {@code network}, retryable;
 *   <li>401/403 (also a bad signature or unknown access key): {@code denied}, permanent; {@code
 *       NoSuchBucket}: {@code no_such_bucket}, permanent; 404: {@code not_found}; any other 4xx:
 *       {@code rejected}, permanent;
 *   <li>TLS failures (untrusted certificate, host name mismatch, http/https mix-up): {@code tls},
 *       permanent, since only a configuration change fixes them;
 *   <li>a local file error: {@code io}; an interrupt: {@code interrupted}; anything else the client
 *       refuses (e.g. no credentials found): {@code client}; all permanent.
 * </ul>
 *
 * Messages name the operation, key, bucket and endpoint; configured credentials are masked in case
 * a server echoes them.
 */
final class S3Errors {
  private final S3Config cfg;

  S3Errors(S3Config cfg) {
    this.cfg = cfg;
  }

  BucketException map(String op, String key, RuntimeException e) {
    String reason;
    boolean retryable;
    String detail;
    if (e instanceof SdkServiceException s) {
      String code =
          s instanceof AwsServiceException a && a.awsErrorDetails() != null
              ? a.awsErrorDetails().errorCode()
              : null;
      detail =
          "HTTP " + s.statusCode() + (code != null ? " " + code : "") + ": " + serviceMessage(s);
      int st = s.statusCode();
      if (st == 401 || st == 403) {
        reason = "denied";
        retryable = false;
      } else if (s instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
        reason = "no_such_bucket";
        retryable = false;
      } else if (st == 429 || s.isThrottlingException()) {
        reason = "throttled";
        retryable = true;
      } else if (st >= 500) {
        reason = "server";
        retryable = true;
      } else if ("RequestTimeout".equals(code)) {
        reason = "network";
        retryable = true;
      } else if (st == 404) {
        reason = "not_found";
        retryable = false;
      } else {
        reason = "rejected";
        retryable = false;
      }
    } else {
      Throwable root = rootCause(e);
      detail = root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
      if (e instanceof AbortedException) {
        reason = "interrupted";
        retryable = false;
      } else if (e instanceof ApiCallTimeoutException
          || e instanceof ApiCallAttemptTimeoutException) {
        reason = "network";
        retryable = true;
      } else if (hasCause(e, SSLException.class)) {
        reason = "tls";
        retryable = false;
      } else if (hasCause(e, FileSystemException.class)) {
        reason =
            "io"; // a local file, retryable as every local disk error (see ShipperSyncException)
        retryable = true;
      } else if (e instanceof UncheckedIOException
          || (e instanceof SdkClientException && hasCause(e, IOException.class))) {
        reason = "network";
        retryable = true;
      } else {
        reason = "client";
        retryable = false;
      }
    }
    String where = key == null ? "" : " of \"" + key + "\"";
    String msg =
        "s3 "
            + op
            + where
            + " in bucket "
            + cfg.bucket()
            + " at "
            + cfg.endpointDescription()
            + " failed ("
            + reason
            + (retryable ? ", retryable" : "")
            + "): "
            + detail;
    return new BucketException(mask(msg), reason, retryable, e);
  }

  private static String serviceMessage(SdkServiceException s) {
    if (s instanceof AwsServiceException a
        && a.awsErrorDetails() != null
        && a.awsErrorDetails().errorMessage() != null) {
      return a.awsErrorDetails().errorMessage();
    }
    return String.valueOf(s.getMessage());
  }

  private String mask(String msg) {
    for (String secret : new String[] {cfg.secretKey(), cfg.sessionToken(), cfg.accessKey()}) {
      if (secret != null && !secret.isEmpty()) {
        msg = msg.replace(secret, "<redacted>");
      }
    }
    return msg;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }
}
