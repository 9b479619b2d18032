package io.rwgateway.tsdb;

import java.nio.file.Path;

/**
 * Told about the blocks the TSDB writes, and asked before retention deletes one: the uploader
 * implements it (the gateway wires it; tsdb does not know the uploader).
 */
public interface BlockListener {
  /** Nothing to tell; every block may be deleted. */
  BlockListener NONE = (tenant, tenantDir, blockDir) -> {};

  /**
   * A block was written and is durable in {@code tenantDir}. Called on the compaction thread (or
   * the closing thread, for the shutdown flush); must return quickly.
   */
  void blockWritten(String tenant, Path tenantDir, Path blockDir);

  /** Whether retention may delete this local block now; false keeps it (not uploaded yet). */
  default boolean mayDelete(String tenant, Path blockDir) {
    return true;
  }
}
