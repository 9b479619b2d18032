package io.rwgateway.model;

/**
 * Named points in multi-step disk operations (block write, WAL truncation) where crash tests make
 * the process die on purpose: when the system property {@code rwgateway.crash-at} names the point,
 * reaching it halts the JVM at once, as a SIGKILL would (no shutdown hooks, no flushing).
 *
 * <p>NOTE: a test hook in production code, because a SIGKILL sent from outside cannot be timed to
 * land between two particular syscalls. Without the property it costs one string comparison against
 * null per call, and calls happen a few times per block, never per sample.
 */
public final class CrashPoints {
  /** The property's name; its value is one point name. */
  public static final String PROPERTY = "rwgateway.crash-at";

  private static final String TARGET = System.getProperty(PROPERTY);

  private CrashPoints() {}

  /** Halts the JVM with exit code 137 when {@code point} is the configured crash point. */
  public static void reached(String point) {
    if (TARGET != null && TARGET.equals(point)) {
      System.err.println("crash point reached, halting: " + point);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
