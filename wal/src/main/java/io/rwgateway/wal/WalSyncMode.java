package io.rwgateway.wal;

/**
 * When appended WAL bytes are forced to stable storage. Either way a write is acknowledged only
 * after its record is in the WAL's memory-mapped file, which survives a crash of the process
 * (SIGKILL, OOM kill): the page cache belongs to the kernel. The modes differ on a crash of the
 * machine (power loss, kernel panic).
 */
public enum WalSyncMode {
  /** fsync before every acknowledgement (one fsync per group of concurrent requests). */
  BATCH,
  /**
   * fsync at a fixed interval; a machine crash can lose up to one interval of acknowledged writes.
   */
  INTERVAL
}
