package io.rwgateway.tsdb.layout;

import io.rwgateway.model.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a tenant's directory under the TSDB path ({@code <path>/<tenant>/}) holds besides its
 * blocks, and the one rule for "which tenants are on disk", shared by the TSDB (which opens them)
 * and the uploader (which ships their blocks).
 */
public final class TenantLayout {
  private TenantLayout() {}

  /** The tenant's write-ahead log. */
  public static final String WAL_DIR = "wal";

  /** The head's finished chunks, memory-mapped (docs/format/head-chunks.md). */
  public static final String HEAD_CHUNKS_DIR = "chunks_head";

  /**
   * Whether {@code dir}, a directory under the TSDB path, is a tenant's: it holds a {@code wal/}
   * and its name is a valid tenant id.
   */
  public static boolean isTenantDir(Path dir) {
    return Files.isDirectory(dir.resolve(WAL_DIR))
        && TenantId.isValid(dir.getFileName().toString());
  }
}
