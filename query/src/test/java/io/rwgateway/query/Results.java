package io.rwgateway.query;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: a result read whole, with every chunk decoded. */
final class Results {
  private Results() {}

  /** A decoded chunk: its advertised range and its samples. */
  record Decoded(long min, long max, List<Long> times, List<Double> values) {
    static Decoded of(FakeStore.TestChunk c) {
      return new Decoded(
          c.min(),
          c.max(),
          Arrays.stream(c.times()).boxed().toList(),
          Arrays.stream(c.values()).boxed().toList());
    }
  }

  record Result(Labels labels, List<Decoded> chunks) {}

  static List<Result> read(ChunkSeriesSet set) {
    List<Result> out = new ArrayList<>();
    while (set.next()) {
      List<Decoded> chunks = new ArrayList<>();
      ChunkIterator it = set.chunks();
      while (it.next()) {
        if (it.encoding() != ChunkEncoding.XOR) {
          throw new AssertionError("encoding " + it.encoding());
        }
        ByteBuffer b = it.bytes();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        XorIterator x = new XorIterator(data, data.length);
        List<Long> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        while (x.next()) {
          t.add(x.t());
          v.add(x.v());
        }
        chunks.add(new Decoded(it.minTime(), it.maxTime(), t, v));
      }
      out.add(new Result(set.labels(), chunks));
    }
    return out;
  }

  static List<Labels> labels(List<Result> results) {
    return results.stream().map(Result::labels).toList();
  }

  /** A set over the stores, polled once (no background thread), short timeouts. */
  static EndpointSet endpointSet(FakeStore... stores) {
    return endpointSet(Duration.ofSeconds(10), stores);
  }

  /** As {@link #endpointSet(FakeStore...)}, with the given deadline for queries. */
  static EndpointSet endpointSet(Duration queryTimeout, FakeStore... stores) {
    EndpointSet set =
        new EndpointSet(
            Stream.of(stores).map(FakeStore::address).toList(),
            new EndpointSet.Options(
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(5), queryTimeout),
            new PrometheusRegistry(),
            System::currentTimeMillis);
    set.refresh();
    return set;
  }
}
