package io.rwgateway.uploader;

import java.io.IOException;

/**
 * A local block cannot be shipped as it is (a file meta.json lists is missing or has the wrong
 * size, no index, unreadable meta.json). Retrying the bucket does not help: the block stays
 * pending, other blocks go on, and the error is logged once for that block.
 */
public final class ShipperBlockException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String block;

  public ShipperBlockException(String block, String message) {
    super("block " + block + ": " + message);
    this.block = block;
  }

  /** The block's ULID. */
  public String block() {
    return block;
  }
}
