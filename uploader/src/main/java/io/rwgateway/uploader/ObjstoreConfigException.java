package io.rwgateway.uploader;

import java.io.IOException;

/**
 * The objstore (bucket) configuration is invalid: an unknown key, a missing required key, a value
 * of the wrong type, or a combination that cannot work. Raised at start-up, before any traffic, so
 * the message is written for the operator: it names the key (as a dotted path such as {@code
 * config.http_config.tls_config.ca_file}) and, for an unknown key, lists the accepted ones.
 *
 * <p>NOTE: an {@link IOException} so that {@link ObjstoreConfig#fromFile} and {@link
 * ObjstoreConfig#open()} have one failure type for "cannot read" and "cannot use".
 */
public final class ObjstoreConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjstoreConfigException(String message) {
    super(message);
  }

  public ObjstoreConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
