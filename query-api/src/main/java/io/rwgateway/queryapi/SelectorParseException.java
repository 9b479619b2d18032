package io.rwgateway.queryapi;

/**
 * A series selector that does not parse. The message has Prometheus' shape, {@code 1:<column>:
 * parse error: <what>}, so clients that show it to people see familiar text.
 */
public final class SelectorParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int position;

  SelectorParseException(int position, String what) {
    // NOTE: Prometheus counts columns from 1 within the line; selectors are one line in practice.
    super("1:" + (position + 1) + ": parse error: " + what);
    this.position = position;
  }

  /** Offset (0-based, in chars) in the input where parsing stopped. */
  public int position() {
    return position;
  }
}
