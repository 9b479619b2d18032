package io.rwgateway.hashring;

import java.util.Locale;

/**
 * A hashring file (or inline content) that cannot become a ring. The message says what is wrong and
 * where ({@code [1].endpoints[0]: ...}); {@link #reason()} is a short fixed word for the {@code
 * reason} label of the reload-failure metric, so the metric never carries free text.
 */
public final class HashringConfigException extends Exception {
  /** Why the content was refused; the lower-case name is the metric label. */
  public enum Reason {
    /** The file could not be read (missing, deleted, unreadable). */
    READ,
    /** Not JSON, or JSON of the wrong shape (a number where a string belongs, a duplicate key). */
    PARSE,
    /** Valid JSON that breaks a rule of the format (unknown key, no endpoints, bad glob, ...). */
    INVALID,
    /** A valid file that cannot be placed with this replication factor (too few nodes or zones). */
    RING;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  public HashringConfigException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public HashringConfigException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
