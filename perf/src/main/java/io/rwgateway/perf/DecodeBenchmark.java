package io.rwgateway.perf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.ingest.decode.RemoteWriteDecoder;
import io.rwgateway.ingest.decode.SnappyBody;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Request;
import io.rwgateway.tsdb.WriteBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.xerial.snappy.Snappy;

/**
 * Remote-write decoding, per sample: requests of 2000 series with one sample each and about ten
 * labels, shaped like what the avalanche load generator sends. Scores are per sample
 * ({@code @OperationsPerInvocation}); with {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes
 * allocated per sample and should be close to zero once the batch arrays have grown.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmark extends BenchmarkBase {
  static final int SERIES = 2000;
  static final long NOW = 1_700_000_000_000L;

  private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());
  private final WriteBatch batch = new WriteBatch();
  private ByteBuf v1Compressed;
  private ByteBuf v2Compressed;
  private ByteBuf v1Body;
  private ByteBuf v2Body;

  static List<TreeMap<String, String>> avalancheSeries() {
    List<TreeMap<String, String>> out = new ArrayList<>();
    for (int i = 0; i < SERIES; i++) {
      TreeMap<String, String> l = new TreeMap<>();
      l.put("__name__", "avalanche_metric_mmmmm_0_" + (i / 10));
      l.put("cycle_id", "0");
      l.put("series_id", Integer.toString(i % 10));
      l.put("instance", "avalanche-" + (i % 3) + ".example.svc:9001");
      l.put("job", "avalanche");
      for (int k = 0; k < 5; k++) {
        l.put(
            "label_key_kkkkkkkkkkkkkkkkkkkkkkk_" + k,
            "label_val_vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv_" + k);
      }
      out.add(l);
    }
    return out;
  }

  static byte[] v1Request() {
    WriteRequest.Builder req = WriteRequest.newBuilder();
    for (TreeMap<String, String> labels : avalancheSeries()) {
      TimeSeries.Builder ts = TimeSeries.newBuilder();
      labels.forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
      ts.addSamples(Sample.newBuilder().setTimestamp(NOW - 1000).setValue(labels.size() * 1.5));
      req.addTimeseries(ts);
    }
    return req.build().toByteArray();
  }

  static byte[] v2Request() {
    Request.Builder req = Request.newBuilder();
    Map<String, Integer> ids = new HashMap<>();
    List<String> symbols = new ArrayList<>();
    symbols.add("");
    ids.put("", 0);
    for (TreeMap<String, String> labels : avalancheSeries()) {
      io.rwgateway.proto.writev2.TimeSeries.Builder ts =
          io.rwgateway.proto.writev2.TimeSeries.newBuilder();
      labels.forEach(
          (k, v) -> {
            for (String s : new String[] {k, v}) {
              Integer id = ids.get(s);
              if (id == null) {
                id = symbols.size();
                symbols.add(s);
                ids.put(s, id);
              }
              ts.addLabelsRefs(id);
            }
          });
      ts.addSamples(
          io.rwgateway.proto.writev2.Sample.newBuilder().setTimestamp(NOW - 1000).setValue(1.5));
      req.addTimeseries(ts);
    }
    return req.addAllSymbols(symbols).build().toByteArray();
  }

  private ByteBuf direct(byte[] b) {
    ByteBuf buf = alloc.directBuffer(b.length);
    buf.writeBytes(b);
    return buf;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    byte[] v1 = v1Request();
    byte[] v2 = v2Request();
    v1Body = direct(v1);
    v2Body = direct(v2);
    v1Compressed = direct(Snappy.compress(v1));
    v2Compressed = direct(Snappy.compress(v2));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    v1Body.release();
    v2Body.release();
    v1Compressed.release();
    v2Compressed.release();
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int decodeV1() throws DecodeException {
    batch.reset();
    decoder.decodeV1(v1Body, batch, NOW);
    return batch.sampleCount;
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int decodeV2() throws DecodeException {
    batch.reset();
    decoder.decodeV2(v2Body, batch, NOW);
    return batch.sampleCount;
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int decompressAndDecodeV1() throws DecodeException {
    ByteBuf pb = SnappyBody.decompress(v1Compressed, alloc, 32 << 20);
    try {
      batch.reset();
      decoder.decodeV1(pb, batch, NOW);
      return batch.sampleCount;
    } finally {
      pb.release();
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int decompressAndDecodeV2() throws DecodeException {
    ByteBuf pb = SnappyBody.decompress(v2Compressed, alloc, 32 << 20);
    try {
      batch.reset();
      decoder.decodeV2(pb, batch, NOW);
      return batch.sampleCount;
    } finally {
      pb.release();
    }
  }
}
