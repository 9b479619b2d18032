package io.rwgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EscalatingTaskTest {
  @Test
  void anErrorReachesTheUncaughtHandlerAndStopsTheTask() throws Exception {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    AtomicReference<String> thread = new AtomicReference<>();
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "periodic");
              t.setUncaughtExceptionHandler(
                  (th, e) -> {
                    thread.set(th.getName());
                    seen.set(e);
                  });
              return t;
            });
    AtomicInteger runs = new AtomicInteger();
    EscalatingTask task =
        new EscalatingTask(
            "compactor",
            () -> {
              if (runs.incrementAndGet() == 3) {
                throw new OutOfMemoryError("injected");
              }
            });
    assertNull(task.failure());
    assertNull(task.deathNotice());
    s.scheduleWithFixedDelay(task, 0, 5, TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(100);
    s.shutdownNow();
    assertInstanceOf(OutOfMemoryError.class, seen.get());
    assertEquals("periodic", thread.get());
    assertEquals(3, runs.get(), "the scheduler stops the task after the failure");
    assertInstanceOf(OutOfMemoryError.class, task.failure());
    assertTrue(
        task.deathNotice().startsWith("compactor died: java.lang.OutOfMemoryError: injected"));
  }
}
