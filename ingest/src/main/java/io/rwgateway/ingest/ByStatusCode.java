package io.rwgateway.ingest;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Values resolved once per HTTP status code (a metric's data points for that code), kept in a slot
 * per possible code, so that finding them again is an array read. Thread-safe: a code's first uses
 * may race to build its value; one wins and every caller gets that one.
 */
final class ByStatusCode<T> {
  /** Status codes are three digits; anything else shares slot 0. */
  private static final int CODES = 600;

  private final AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(CODES);
  private final Function<String, T> make;

  /**
   * @param make builds the value of a code from its label (the code's digits)
   */
  ByStatusCode(Function<String, T> make) {
    this.make = make;
  }

  T get(int code) {
    int i = code >= 0 && code < CODES ? code : 0;
    T v = slots.get(i);
    if (v == null) {
      slots.compareAndSet(i, null, make.apply(Integer.toString(code)));
      v = slots.get(i);
    }
    return v;
  }
}
