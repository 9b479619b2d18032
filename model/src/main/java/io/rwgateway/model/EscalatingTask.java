package io.rwgateway.model;

/**
 * A periodic task (for a {@code ScheduledExecutorService}) whose failure is not swallowed: a
 * scheduler keeps what a periodic task throws in its future, which nobody reads, and silently stops
 * running it. A block cutter or WAL syncer that stops that way leaves a process that looks alive
 * and slowly breaks. This one records the failure and hands it to the running thread's
 * uncaught-exception handler (the gateway's handler ends the process), then rethrows it, so the
 * scheduler stops the task.
 */
public final class EscalatingTask implements Runnable {
  private final String name;
  private final Runnable task;
  private volatile Throwable failure;

  public EscalatingTask(String name, Runnable task) {
    this.name = name;
    this.task = task;
  }

  @Override
  public void run() {
    try {
      task.run();
    } catch (Throwable t) { // everything, Errors above all
      failure = t;
      Thread self = Thread.currentThread();
      self.getUncaughtExceptionHandler().uncaughtException(self, t);
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw new IllegalStateException(t);
    }
  }

  /** What stopped the task, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  /** "name died: failure", or null while it runs. */
  public String deathNotice() {
    Throwable f = failure;
    return f == null ? null : name + " died: " + f;
  }
}
