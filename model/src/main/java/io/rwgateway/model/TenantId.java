package io.rwgateway.model;

/**
 * Tenant ids name a directory under the TSDB path, so they are restricted to a safe alphabet:
 * letters, digits, '.', '_' and '-', 1 to 128 characters, and never "." or "..". {@value #RESERVED}
 * is reserved: the embedded local bucket lives in {@code <tsdb.path>/bucket/}, and a tenant of that
 * name would see every tenant's uploaded blocks as its own.
 */
public final class TenantId {
  public static final int MAX_LENGTH = 128;

  /** The one valid-looking id that is refused. */
  public static final String RESERVED = "bucket";

  private TenantId() {}

  public static boolean isValid(String id) {
    if (id == null
        || id.isEmpty()
        || id.length() > MAX_LENGTH
        || id.equals(".")
        || id.equals("..")
        || id.equals(RESERVED)) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code id} is not valid, for a 400 answer; null when it is valid. */
  public static String problem(String id) {
    if (isValid(id)) {
      return null;
    }
    if (RESERVED.equals(id)) {
      return "tenant id \""
          + RESERVED
          + "\" is reserved: the local bucket lives in <tsdb.path>/"
          + RESERVED;
    }
    return "invalid tenant id \""
        + id
        + "\": use 1-"
        + MAX_LENGTH
        + " characters from [A-Za-z0-9._-], not \".\" or \"..\"";
  }
}
