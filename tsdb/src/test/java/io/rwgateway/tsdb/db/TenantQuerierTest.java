package io.rwgateway.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.head.Head;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A call that overlaps a head truncation (the second half of a block cut) is answered from a fresh
 * view of blocks and head, never from the view it started with.
 */
class TenantQuerierTest {
  private static final Matcher[] ALL = new Matcher[0];

  /** A querier that answers {@code answer}, after truncating the head if {@code truncateFirst}. */
  private static Querier attempt(Head head, boolean truncateFirst, List<SeriesData> answer) {
    return new Scripted(
        () -> {
          if (truncateFirst) {
            head.truncate(
                1000); // as a block cut would, between taking the block list and reading the head
          }
          return answer;
        });
  }

  @Test
  void callThatRacesATruncationIsAnsweredAgainFromTheNewView() {
    try (Head head = new Head(10)) {
      List<SeriesData> partial = List.of();
      List<SeriesData> complete =
          List.of(
              new SeriesData(
                  Labels.of("__name__", "up"),
                  new long[] {1500},
                  new double[] {1},
                  new long[0],
                  new byte[0][]));
      AtomicInteger views = new AtomicInteger();
      TenantQuerier q =
          new TenantQuerier(
              head,
              () ->
                  views.getAndIncrement() == 0
                      ? attempt(head, true, partial)
                      : attempt(head, false, complete));
      assertSame(complete, q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE));
      assertEquals(2, views.get(), "one view raced the truncation, the second did not");

      views.set(0);
      assertEquals(
          List.of(Labels.of("__name__", "up")),
          q.series(List.of(), Long.MIN_VALUE, Long.MAX_VALUE));
      assertEquals(2, views.get());
    }
  }

  @Test
  void callWithoutATruncationUsesOneView() {
    try (Head head = new Head(10)) {
      AtomicInteger views = new AtomicInteger();
      List<SeriesData> answer = List.of();
      TenantQuerier q =
          new TenantQuerier(
              head,
              () -> {
                views.incrementAndGet();
                return attempt(head, false, answer);
              });
      assertSame(answer, q.select(ALL, 0, 10));
      assertEquals(1, views.get());
    }
  }

  @Test
  void callThatFailsWhileATruncationStartsIsRunAgain_otherFailuresPropagate() {
    try (Head head = new Head(10)) {
      List<SeriesData> answer = List.of();
      AtomicInteger views = new AtomicInteger();
      TenantQuerier q =
          new TenantQuerier(
              head,
              () -> {
                if (views.getAndIncrement() > 0) {
                  return attempt(head, false, answer);
                }
                return new Scripted(
                    () -> {
                      head.truncate(1000);
                      throw new UncheckedIOException(new IOException("no such segment (deleted)"));
                    });
              });
      assertSame(answer, q.select(ALL, 0, 10));
      assertEquals(2, views.get());

      TenantQuerier broken =
          new TenantQuerier(
              head,
              () ->
                  new Scripted(
                      () -> {
                        throw new IllegalStateException("bug");
                      }));
      Assertions.assertThrows(IllegalStateException.class, () -> broken.select(ALL, 0, 10));
    }
  }

  /** A querier whose series and select answer what {@code answer} returns (or throws). */
  private record Scripted(Supplier<List<SeriesData>> answer) implements Querier {
    @Override
    public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
      return answer.get().stream().map(SeriesData::labels).toList();
    }

    @Override
    public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
      return answer.get();
    }
  }
}
