package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.XorChunk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link ChunkQueryable} with real XOR chunk bytes. It filters by matchers and chunk
 * overlap as the tsdb does, counts open queriers (the leases) and chunk byte reads, records which
 * tenants were opened and with which bounds, and refuses use of a closed querier.
 */
final class FakeChunkStore implements ChunkQueryable {
  record StoredChunk(int encoding, long minTime, long maxTime, byte[] bytes) {}

  record StoredSeries(Labels labels, List<StoredChunk> chunks) {}

  private final Map<String, List<StoredSeries>> data = new TreeMap<>();
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger opened = new AtomicInteger();
  final AtomicLong byteReads = new AtomicLong();
  final AtomicInteger doubleCloses = new AtomicInteger();
  final List<String> openedTenants = Collections.synchronizedList(new ArrayList<>());
  volatile long lastMint;
  volatile long lastMaxt;
  volatile boolean readable = true;

  /** What every querier reports as warnings (a proxy's endpoints left out). */
  volatile List<String> warnings = List.of();

  /** The partial response choice of the last querier opened through the 4-argument call. */
  volatile Boolean lastPartialResponse;

  /** Adds a series with its samples in XOR chunks of at most {@code perChunk} samples. */
  synchronized FakeChunkStore add(
      String tenant, Labels labels, long[] t, double[] v, int perChunk) {
    List<StoredChunk> chunks = new ArrayList<>();
    for (int from = 0; from < t.length; from += perChunk) {
      int to = Math.min(t.length, from + perChunk);
      chunks.add(
          new StoredChunk(
              ChunkEncoding.XOR,
              t[from],
              t[to - 1],
              xor(Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(v, from, to))));
    }
    return addChunks(tenant, labels, chunks);
  }

  synchronized FakeChunkStore add(String tenant, Labels labels, long[] t, double[] v) {
    return add(tenant, labels, t, v, 120);
  }

  synchronized FakeChunkStore addChunks(String tenant, Labels labels, List<StoredChunk> chunks) {
    List<StoredSeries> list = data.computeIfAbsent(tenant, k -> new ArrayList<>());
    list.add(new StoredSeries(labels, List.copyOf(chunks)));
    list.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    return this;
  }

  /** A tenant that is known but holds nothing. */
  synchronized FakeChunkStore addEmptyTenant(String tenant) {
    data.computeIfAbsent(tenant, k -> new ArrayList<>());
    return this;
  }

  static byte[] xor(long[] t, double[] v) {
    XorChunk c = new XorChunk(64);
    for (int i = 0; i < t.length; i++) {
      c.append(t[i], v[i]);
    }
    return Arrays.copyOf(c.buffer(), c.length());
  }

  @Override
  public synchronized List<String> tenants() {
    return new ArrayList<>(data.keySet());
  }

  @Override
  public synchronized long minTime(String tenant) {
    long min = Long.MAX_VALUE;
    for (StoredSeries s : data.getOrDefault(tenant, List.of())) {
      for (StoredChunk c : s.chunks()) {
        min = Math.min(min, c.minTime());
      }
    }
    return min;
  }

  @Override
  public synchronized ChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
    if (!readable) {
      throw new IllegalStateException("WAL replay not finished");
    }
    lastMint = mint;
    lastMaxt = maxt;
    openedTenants.add(tenant);
    open.incrementAndGet();
    opened.incrementAndGet();
    return new Querier(List.copyOf(data.getOrDefault(tenant, List.of())), mint, maxt);
  }

  @Override
  public ChunkQuerier chunkQuerier(String tenant, long mint, long maxt, boolean partialResponse) {
    lastPartialResponse = partialResponse;
    return chunkQuerier(tenant, mint, maxt);
  }

  private final class Querier implements ChunkQuerier {
    private final List<StoredSeries> series;
    private final long mint;
    private final long maxt;
    private boolean closed;

    Querier(List<StoredSeries> series, long mint, long maxt) {
      this.series = series;
      this.mint = mint;
      this.maxt = maxt;
    }

    private List<StoredChunk> overlapping(StoredSeries s) {
      List<StoredChunk> out = new ArrayList<>();
      for (StoredChunk c : s.chunks()) {
        if (c.minTime() <= maxt && c.maxTime() >= mint) {
          out.add(c);
        }
      }
      return out;
    }

    private List<StoredSeries> matching(Matcher... matchers) {
      checkOpen();
      List<StoredSeries> out = new ArrayList<>();
      for (StoredSeries s : series) {
        boolean ok = true;
        for (Matcher m : matchers) {
          ok &= m.matches(s.labels().get(m.name()));
        }
        if (ok && !overlapping(s).isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }

    @Override
    public ChunkSeriesSet select(Matcher... matchers) {
      List<StoredSeries> sel = matching(matchers);
      return new ChunkSeriesSet() {
        int i = -1;

        @Override
        public boolean next() {
          checkOpen();
          return ++i < sel.size();
        }

        @Override
        public Labels labels() {
          checkOpen();
          return sel.get(i).labels();
        }

        @Override
        public ChunkIterator chunks() {
          checkOpen();
          List<StoredChunk> cs = overlapping(sel.get(i));
          return new ChunkIterator() {
            int j = -1;

            @Override
            public boolean next() {
              checkOpen();
              return ++j < cs.size();
            }

            @Override
            public int encoding() {
              return cs.get(j).encoding();
            }

            @Override
            public long minTime() {
              return cs.get(j).minTime();
            }

            @Override
            public long maxTime() {
              return cs.get(j).maxTime();
            }

            @Override
            public ByteBuffer bytes() {
              checkOpen();
              byteReads.incrementAndGet();
              return ByteBuffer.wrap(cs.get(j).bytes()).asReadOnlyBuffer();
            }
          };
        }
      };
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
      TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
      for (StoredSeries s : matching(matchers)) {
        s.labels().forEach((n, v) -> names.add(n));
      }
      return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
      TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
      for (StoredSeries s : matching(matchers)) {
        String v = s.labels().get(name);
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
      return new ArrayList<>(values);
    }

    @Override
    public List<String> warnings() {
      return warnings;
    }

    @Override
    public long mint() {
      return mint;
    }

    @Override
    public long maxt() {
      return maxt;
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("querier used after close");
      }
    }

    @Override
    public void close() {
      if (closed) {
        doubleCloses.incrementAndGet();
        return;
      }
      closed = true;
      open.decrementAndGet();
    }
  }
}
