package io.rwgateway.promql.engine;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.XorChunks;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Series held in memory as real XOR chunks, behind the querier API the engine reads. */
final class MemorySource implements QuerierSource {
  private record Stored(Labels labels, List<byte[]> chunks) {}

  private final List<Stored> series = new ArrayList<>();
  int opened;
  int closed;

  /** Adds a series: alternating times (ms) and values. */
  MemorySource add(Labels labels, long[] t, double[] v) {
    long[] bits = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Double.doubleToRawLongBits(v[i]);
    }
    series.add(new Stored(labels, XorChunks.encode(t, bits, t.length)));
    series.sort((a, b) -> LabelOrder.LABELS.compare(a.labels, b.labels));
    return this;
  }

  @Override
  public ChunkQuerier open(long mint, long maxt) {
    opened++;
    return new ChunkQuerier() {
      @Override
      public ChunkSeriesSet select(Matcher... matchers) {
        List<Stored> picked = new ArrayList<>();
        for (Stored s : series) {
          boolean all = true;
          for (Matcher m : matchers) {
            all &= m.matches(s.labels.get(m.name()));
          }
          if (all) {
            picked.add(s);
          }
        }
        return new ChunkSeriesSet() {
          int i = -1;

          @Override
          public boolean next() {
            return ++i < picked.size();
          }

          @Override
          public Labels labels() {
            return picked.get(i).labels;
          }

          @Override
          public ChunkIterator chunks() {
            List<byte[]> cs = picked.get(i).chunks;
            return new ChunkIterator() {
              int c = -1;

              @Override
              public boolean next() {
                return ++c < cs.size();
              }

              @Override
              public int encoding() {
                return ChunkEncoding.XOR;
              }

              @Override
              public long minTime() {
                return XorIterator.firstTime(cs.get(c));
              }

              @Override
              public long maxTime() {
                XorIterator it = new XorIterator(cs.get(c), cs.get(c).length);
                long last = Long.MIN_VALUE;
                while (it.next()) {
                  last = it.t();
                }
                return last;
              }

              @Override
              public ByteBuffer bytes() {
                return ByteBuffer.wrap(cs.get(c)).asReadOnlyBuffer();
              }
            };
          }
        };
      }

      @Override
      public List<String> labelNames(Matcher... matchers) {
        return List.of();
      }

      @Override
      public List<String> labelValues(String name, Matcher... matchers) {
        return List.of();
      }

      @Override
      public long mint() {
        return mint;
      }

      @Override
      public long maxt() {
        return maxt;
      }

      @Override
      public void close() {
        closed++;
      }
    };
  }
}
