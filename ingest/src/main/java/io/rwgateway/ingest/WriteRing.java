package io.rwgateway.ingest;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.memory.MemoryGuard;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the Netty event loops to the single WAL writer thread.
 *
 * <p>NOTE: requests that arrive while the writer is busy pile up in the ring and are then taken as
 * one group: each is validated and appended to its tenant's WAL, then every touched WAL is synced
 * once, then all of them are answered. Many concurrent requests thus share one fsync (group
 * commit), and the head sees appends in exactly WAL order, which replay relies on.
 */
public final class WriteRing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteRing.class);

  /** A ring slot. */
  static final class Slot {
    WriteBatch batch;
    WriteCompletion completion;

    /** Work for the writer thread instead of a batch (an early chunk cut), or null. */
    Runnable control;
  }

  private static final EventTranslatorOneArg<Slot, Runnable> CONTROL =
      (slot, seq, task) -> slot.control = task;

  /**
   * Open chunks of at least this many bytes are cut early under memory pressure: two pieces; a
   * smaller one gives nothing back to the pool.
   */
  static final int EARLY_CUT_MIN_BYTES = 64;

  private static final EventTranslatorTwoArg<Slot, WriteBatch, WriteCompletion> PUBLISH =
      (slot, seq, batch, completion) -> {
        slot.batch = batch;
        slot.completion = completion;
      };

  private final Tsdb tsdb;
  private final Disruptor<Slot> disruptor;
  private final Writer writer;
  private volatile Thread writerThread;
  private volatile Throwable writerFailure;
  private volatile boolean closed;
  private volatile MemoryGuard guard;
  private final RingBuffer<Slot> ring;

  public WriteRing(Tsdb tsdb, int size, boolean syncEachGroup, PrometheusRegistry registry) {
    this.tsdb = tsdb;
    Histogram groupSize =
        Histogram.builder()
            .name("rwgateway_wal_group_commit_requests")
            .help("Requests committed together by one WAL sync (group commit).")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
            .register(registry);
    Histogram syncSeconds =
        Histogram.builder()
            .name("rwgateway_wal_sync_duration_seconds")
            .help("Time to force a group of WAL appends to disk (batch sync mode).")
            .register(registry);
    this.disruptor =
        new Disruptor<>(
            Slot::new,
            size,
            r -> {
              Thread t = new Thread(r, "wal-writer");
              t.setDaemon(true);
              writerThread = t;
              return t;
            },
            ProducerType.MULTI,
            new BlockingWaitStrategy());
    disruptor.setDefaultExceptionHandler(new WriterDeath());
    disruptor.handleEventsWith(writer = new Writer(tsdb, syncEachGroup, groupSize, syncSeconds));
    this.ring = disruptor.start();
  }

  /**
   * On the calling (event-loop) thread: looks up the batch's known series in its tenant's head, so
   * the single WAL writer only appends. NOTE: the writer was the bottleneck with lookups at 55% of
   * its time; event loops have spare cycles while they wait for their group commit.
   */
  public void resolveSeries(WriteBatch batch) {
    TenantDb db = tsdb.existingTenant(batch.tenant);
    if (db != null) {
      db.resolveSeries(batch);
    }
  }

  /**
   * Queues a batch for the WAL writer; false when the ring is full or the writer is dead (answer
   * 503: the process is ending, and its successor takes the retry).
   */
  public boolean tryPublish(WriteBatch batch, WriteCompletion completion) {
    return writerFailure == null && ring.tryPublishEvent(PUBLISH, batch, completion);
  }

  /**
   * Why the WAL writer thread is dead (an Error, or a throwable a batch's failure handling did not
   * catch), or null while it runs. The process is then ending (the gateway's uncaught-exception
   * handler); health checks report it until then.
   */
  public String deathNotice() {
    Throwable f = writerFailure;
    if (f != null) {
      return "wal-writer died: " + f;
    }
    Thread t = writerThread;
    if (!closed && t != null && !t.isAlive()) {
      return "wal-writer died";
    }
    return null;
  }

  /**
   * Admits writes by memory ({@link MemoryGuard}); without one every write is admitted. Set before
   * writes arrive.
   */
  public void admitBy(MemoryGuard guard) {
    this.guard = guard;
  }

  /**
   * Memory pressure: asks the writer thread (the heads' one mutator) to cut every open chunk of
   * some size to disk now, so that the heads reuse its memory instead of growing. Queued behind the
   * batches already waiting; false when the ring is full (the next request tries again).
   */
  public boolean requestEarlyCut() {
    return writerFailure == null
        && ring.tryPublishEvent(
            CONTROL,
            () -> {
              long start = System.nanoTime();
              int cut = tsdb.cutOpenChunks(EARLY_CUT_MIN_BYTES);
              log.warn(
                  "memory pressure: cut {} open chunks early to chunks_head in {} ms",
                  cut,
                  (System.nanoTime() - start) / 1_000_000);
            });
  }

  /**
   * Why {@code batch} must not be written now (memory nearly full), or null. Call after {@link
   * #resolveSeries}: a series the head does not have yet counts as new.
   */
  public String admission(WriteBatch batch) {
    MemoryGuard g = guard;
    return g == null ? null : g.refusal(batch);
  }

  /**
   * Tests only ({@code --test.wal-writer-error-after}): the writer throws an Error on the batch
   * after the first {@code batches}, as if it ran out of memory there.
   */
  public void injectErrorAfter(long batches) {
    writer.errorAfter = batches;
  }

  /**
   * What the WAL writer could not handle itself: recorded and logged, then rethrown, so that the
   * thread dies and its uncaught-exception handler ends the process. Continuing would leave a
   * writer in an unknown state (an Error mid-append, say) behind every acknowledgement.
   */
  private final class WriterDeath implements ExceptionHandler<Slot> {
    @Override
    public void handleEventException(Throwable ex, long sequence, Slot event) {
      writerFailure = ex;
      log.error("the WAL writer failed and stops; no write can be acknowledged any more", ex);
      if (ex instanceof RuntimeException) {
        throw (RuntimeException) ex;
      }
      if (ex instanceof Error) {
        throw (Error) ex;
      }
      throw new IllegalStateException(ex);
    }

    @Override
    public void handleOnStartException(Throwable ex) {
      handleEventException(ex, -1, null);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
      log.warn("WAL writer shutdown failed", ex);
    }
  }

  /** Waits until every published batch has been written and answered, then stops the writer. */
  @Override
  public void close() {
    boolean dead = deathNotice() != null;
    closed = true;
    if (dead) {
      disruptor.halt(); // nothing drains a dead writer's ring
      return;
    }
    try {
      disruptor.shutdown(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("WAL writer did not drain within 30s; halting it");
      disruptor.halt();
    }
  }

  /** The Error {@link #injectErrorAfter} makes the writer throw. */
  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError(String message) {
      super(message);
    }
  }

  /** Runs on the WAL writer thread. */
  private static final class Writer implements EventHandler<Slot> {
    private final Tsdb tsdb;
    private final boolean syncEachGroup;
    private final Histogram groupSize;
    private final Histogram syncSeconds;
    private final List<WriteBatch> pendingBatches = new ArrayList<>();
    private final List<WriteCompletion> pendingCompletions = new ArrayList<>();
    private final List<TenantDb> pendingTenants = new ArrayList<>();
    private final List<TenantDb> touched = new ArrayList<>();

    Writer(Tsdb tsdb, boolean syncEachGroup, Histogram groupSize, Histogram syncSeconds) {
      this.tsdb = tsdb;
      this.syncEachGroup = syncEachGroup;
      this.groupSize = groupSize;
      this.syncSeconds = syncSeconds;
    }

    /** Tests only: batches to handle before an injected Error (-1: never). */
    volatile long errorAfter = -1;

    private long handled;

    @Override
    public void onEvent(Slot slot, long sequence, boolean endOfBatch) {
      if (slot.control != null) {
        Runnable task = slot.control;
        slot.control = null;
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("WAL writer task failed", e);
        }
        if (endOfBatch && !pendingBatches.isEmpty()) {
          flush();
        }
        return;
      }
      if (errorAfter >= 0 && handled++ >= errorAfter) {
        throw new InjectedError("injected by --test.wal-writer-error-after " + errorAfter);
      }
      WriteBatch batch = slot.batch;
      WriteCompletion completion = slot.completion;
      slot.batch = null;
      slot.completion = null;
      TenantDb db = null;
      try {
        db = tsdb.tenant(batch.tenant);
        db.append(batch);
        if (!touched.contains(db)) {
          touched.add(db);
        }
      } catch (IOException | RuntimeException e) {
        log.error("WAL append failed tenant={}", batch.tenant, e);
        batch.failure = e;
      }
      pendingBatches.add(batch);
      pendingCompletions.add(completion);
      pendingTenants.add(db);
      if (endOfBatch) {
        flush();
      }
    }

    private void flush() {
      if (syncEachGroup) {
        for (TenantDb db : touched) {
          long t0 = System.nanoTime();
          try {
            db.sync();
          } catch (IOException | RuntimeException e) {
            log.error("WAL sync failed tenant={}", db.tenant(), e);
            for (int i = 0; i < pendingBatches.size(); i++) {
              if (pendingTenants.get(i) == db && pendingBatches.get(i).failure == null) {
                pendingBatches.get(i).failure = e;
              }
            }
          }
          syncSeconds.observe((System.nanoTime() - t0) / 1e9);
        }
      }
      groupSize.observe(pendingBatches.size());
      for (int i = 0; i < pendingBatches.size(); i++) {
        try {
          pendingCompletions.get(i).completed(pendingBatches.get(i));
        } catch (RuntimeException e) {
          log.error("write completion failed", e);
        }
      }
      pendingBatches.clear();
      pendingCompletions.clear();
      pendingTenants.clear();
      touched.clear();
    }
  }
}
