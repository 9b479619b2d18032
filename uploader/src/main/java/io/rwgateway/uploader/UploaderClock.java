package io.rwgateway.uploader;

/**
 * Time as the {@link Uploader} sees it: a monotonic clock for backoff and intervals, a wall clock
 * for the last-success metric. Tests replace it to run an hour-long outage in milliseconds.
 */
interface UploaderClock {
  UploaderClock SYSTEM =
      new UploaderClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long wallMillis() {
          return System.currentTimeMillis();
        }
      };

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean something. */
  long nanoTime();

  /** Milliseconds since the Unix epoch. */
  long wallMillis();
}
