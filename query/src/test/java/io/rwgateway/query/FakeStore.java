package io.rwgateway.query;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.infopb.StoreInfo;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelNamesResponse;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesResponse;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.XorChunk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A StoreAPI server on 127.0.0.1 over fixed series, with call counters and a switch that makes
 * every call fail with UNAVAILABLE. Series are sent in label order; with {@code framePerChunk} each
 * chunk goes in a frame of its own, as Thanos servers split long series.
 */
final class FakeStore implements AutoCloseable {
  /** A chunk of samples at the given times, values {@code base + i}. */
  record TestChunk(long[] times, double[] values, Chunk.Encoding type, byte[] raw) {
    TestChunk(long[] times, double[] values) {
      this(times, values, Chunk.Encoding.XOR, null);
    }

    long min() {
      return times[0];
    }

    long max() {
      return times[times.length - 1];
    }

    byte[] encode() {
      if (raw != null) {
        return raw;
      }
      XorChunk c = new XorChunk(64);
      for (int i = 0; i < times.length; i++) {
        c.append(times[i], values[i]);
      }
      return Arrays.copyOf(c.buffer(), c.length());
    }

    static TestChunk of(long from, long step, int n, double base) {
      long[] t = new long[n];
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = from + i * step;
        v[i] = base + i;
      }
      return new TestChunk(t, v);
    }
  }

  record TestSeries(Labels labels, List<TestChunk> chunks) {}

  final AtomicInteger seriesCalls = new AtomicInteger();
  final AtomicInteger labelCalls = new AtomicInteger();
  final AtomicInteger infoCalls = new AtomicInteger();
  final AtomicBoolean failing = new AtomicBoolean();
  volatile boolean framePerChunk;

  /** A warning Series sends before its series; null for none. */
  volatile String seriesWarning;

  /**
   * Series sends made-up series, without chunks, for as long as the client takes them, until the
   * call is cancelled (a huge answer).
   */
  volatile boolean endless;

  /** Counted down when a Series call is cancelled by the client. */
  final CountDownLatch seriesCancelled = new CountDownLatch(1);

  /** How long Series waits before it answers (a slow or stuck store). */
  volatile long seriesDelayMillis;

  private final List<TestSeries> series = new ArrayList<>();
  private final List<Labels> labelSets;
  private final long minTime;
  private final long maxTime;
  private final Server server;

  FakeStore(List<Labels> labelSets, long minTime, long maxTime, List<TestSeries> data)
      throws IOException {
    this.labelSets = labelSets;
    this.minTime = minTime;
    this.maxTime = maxTime;
    series.addAll(data);
    series.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new InfoService())
            .addService(new StoreService())
            .build()
            .start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private boolean fail(StreamObserver<?> out) {
    if (failing.get()) {
      out.onError(Status.UNAVAILABLE.withDescription("fake store down").asRuntimeException());
      return true;
    }
    return false;
  }

  private static ZLabelSet zset(Labels l) {
    ZLabelSet.Builder b = ZLabelSet.newBuilder();
    l.forEach((n, v) -> b.addLabels(Label.newBuilder().setName(n).setValue(v)));
    return b.build();
  }

  /**
   * Whether the series matches. NOTE: a matcher on an external label name is left to the proxy's
   * pruning (what is checked here); the series do not carry external labels.
   */
  private boolean matches(Labels l, List<LabelMatcher> matchers) {
    for (LabelMatcher m : matchers) {
      if (labelSets.stream().anyMatch(set -> set.toMap().containsKey(m.getName()))) {
        continue;
      }
      Matcher.Type t = Matcher.Type.values()[m.getTypeValue()];
      if (!new Matcher(t, m.getName(), m.getValue()).matches(l.get(m.getName()))) {
        return false;
      }
    }
    return true;
  }

  private final class InfoService extends InfoGrpc.InfoImplBase {
    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
      infoCalls.incrementAndGet();
      if (fail(out)) {
        return;
      }
      InfoResponse.Builder b =
          InfoResponse.newBuilder()
              .setComponentType("receive")
              .setStore(StoreInfo.newBuilder().setMinTime(minTime).setMaxTime(maxTime));
      labelSets.forEach(l -> b.addLabelSets(zset(l)));
      out.onNext(b.build());
      out.onCompleted();
    }
  }

  private final class StoreService extends StoreGrpc.StoreImplBase {
    @Override
    public void series(SeriesRequest request, StreamObserver<SeriesResponse> out) {
      seriesCalls.incrementAndGet();
      if (fail(out)) {
        return;
      }
      if (seriesDelayMillis > 0) {
        try {
          Thread.sleep(seriesDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (endless) {
        sendEndlessly((ServerCallStreamObserver<SeriesResponse>) out);
        return;
      }
      if (seriesWarning != null) {
        out.onNext(SeriesResponse.newBuilder().setWarning(seriesWarning).build());
      }
      for (TestSeries s : series) {
        if (!matches(s.labels(), request.getMatchersList())) {
          continue;
        }
        List<AggrChunk> chunks = new ArrayList<>();
        for (TestChunk c : s.chunks()) {
          if (c.max() >= request.getMinTime() && c.min() <= request.getMaxTime()) {
            chunks.add(
                AggrChunk.newBuilder()
                    .setMinTime(c.min())
                    .setMaxTime(c.max())
                    .setRaw(
                        Chunk.newBuilder()
                            .setType(c.type())
                            .setData(ByteString.copyFrom(c.encode())))
                    .build());
          }
        }
        if (chunks.isEmpty()) {
          continue;
        }
        List<Label> labels = zset(s.labels()).getLabelsList();
        if (request.getSkipChunks()) {
          chunks = List.of();
        }
        if (framePerChunk && chunks.size() > 1) {
          for (AggrChunk c : chunks) {
            out.onNext(frame(labels, List.of(c)));
          }
        } else {
          out.onNext(frame(labels, chunks));
        }
      }
      out.onCompleted();
    }

    /** Series up{instance="000000000"}, up{instance="000000001"}, ... while the client keeps up. */
    private void sendEndlessly(ServerCallStreamObserver<SeriesResponse> out) {
      AtomicInteger i = new AtomicInteger();
      out.setOnCancelHandler(seriesCancelled::countDown);
      out.setOnReadyHandler(
          () -> {
            while (out.isReady() && !out.isCancelled()) {
              Labels l =
                  Labels.of(
                      "__name__", "up", "instance", String.format("%09d", i.getAndIncrement()));
              out.onNext(frame(zset(l).getLabelsList(), List.of()));
            }
          });
    }

    private SeriesResponse frame(List<Label> labels, List<AggrChunk> chunks) {
      return SeriesResponse.newBuilder()
          .setSeries(Series.newBuilder().addAllLabels(labels).addAllChunks(chunks))
          .build();
    }

    @Override
    public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> out) {
      labelCalls.incrementAndGet();
      if (fail(out)) {
        return;
      }
      TreeSet<String> names = new TreeSet<>();
      for (TestSeries s : series) {
        if (matches(s.labels(), request.getMatchersList())) {
          s.labels().forEach((n, v) -> names.add(n));
        }
      }
      out.onNext(LabelNamesResponse.newBuilder().addAllNames(names).build());
      out.onCompleted();
    }

    @Override
    public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> out) {
      labelCalls.incrementAndGet();
      if (fail(out)) {
        return;
      }
      TreeSet<String> values = new TreeSet<>();
      for (TestSeries s : series) {
        if (matches(s.labels(), request.getMatchersList())) {
          String v = s.labels().get(request.getLabel());
          if (!v.isEmpty()) {
            values.add(v);
          }
        }
      }
      out.onNext(LabelValuesResponse.newBuilder().addAllValues(values).build());
      out.onCompleted();
    }
  }
}
