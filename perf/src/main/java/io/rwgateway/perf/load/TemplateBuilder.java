package io.rwgateway.perf.load;

import com.google.protobuf.CodedInputStream;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Builds a batch's request with the generated protobuf classes (remote write 1.0 or 2.0), finds
 * every sample's value and timestamp in the encoded bytes, and compresses it with {@link
 * PatchableSnappy}. Runs before the clock starts, and on the churn thread.
 */
final class TemplateBuilder {
  private final LoadConfig cfg;
  private final SeriesModel model;
  private final String[] labels;
  long rawBytes;
  long compressedBytes;
  long snappyJavaBytes;
  long buildNanos;
  int built;

  TemplateBuilder(LoadConfig cfg, SeriesModel model) {
    this.cfg = cfg;
    this.model = model;
    this.labels = new String[model.labelCount() * 2];
  }

  RequestTemplate build(int batch) {
    long t0 = System.nanoTime();
    int first = batch * cfg.batch;
    int last = Math.min(cfg.series, first + cfg.batch);
    int[] gens = new int[last - first];
    // Placeholders: a non-zero value and a current timestamp, so proto3 writes both fields and
    // the varint has the 6 bytes every later timestamp will have.
    long ts = System.currentTimeMillis();
    byte[] raw = cfg.protocol == 1 ? v1(first, last, gens, ts) : v2(first, last, gens, ts);
    int[] starts = sampleOffsets(raw, cfg.protocol == 1 ? 1 : 5);
    if (starts.length != gens.length * cfg.samplesPerSeries) {
      throw new IllegalStateException(
          "found " + starts.length + " samples, built " + gens.length * cfg.samplesPerSeries);
    }
    PatchableSnappy.Result c = PatchableSnappy.compress(raw, starts, RequestTemplate.PATCH_LENGTH);
    try {
      // Every template is checked once against the reference decoder.
      if (!Arrays.equals(Snappy.uncompress(c.bytes()), raw)) {
        throw new IllegalStateException("PatchableSnappy round trip failed for batch " + batch);
      }
      snappyJavaBytes += Snappy.compress(raw).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rawBytes += raw.length;
    compressedBytes += c.bytes().length;
    built++;
    buildNanos += System.nanoTime() - t0;
    return new RequestTemplate(
        batch,
        cfg.tenantOf(batch),
        first,
        gens,
        cfg.samplesPerSeries,
        c.bytes(),
        raw.length,
        c.patchOffsets());
  }

  private byte[] v1(int first, int last, int[] gens, long ts) {
    WriteRequest.Builder req = WriteRequest.newBuilder();
    for (int s = first; s < last; s++) {
      gens[s - first] = model.generation(s);
      model.labels(s, labels);
      TimeSeries.Builder series = TimeSeries.newBuilder();
      for (int i = 0; i < labels.length; i += 2) {
        series.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
      }
      for (int i = 0; i < cfg.samplesPerSeries; i++) {
        series.addSamples(Sample.newBuilder().setValue(1).setTimestamp(ts + i));
      }
      req.addTimeseries(series);
    }
    return req.build().toByteArray();
  }

  private byte[] v2(int first, int last, int[] gens, long ts) {
    Request.Builder req = Request.newBuilder();
    Map<String, Integer> symbols = new HashMap<>();
    req.addSymbols("");
    symbols.put("", 0);
    for (int s = first; s < last; s++) {
      gens[s - first] = model.generation(s);
      model.labels(s, labels);
      io.rwgateway.proto.writev2.TimeSeries.Builder series =
          io.rwgateway.proto.writev2.TimeSeries.newBuilder();
      for (String l : labels) {
        Integer ref = symbols.get(l);
        if (ref == null) {
          ref = symbols.size();
          symbols.put(l, ref);
          req.addSymbols(l);
        }
        series.addLabelsRefs(ref);
      }
      for (int i = 0; i < cfg.samplesPerSeries; i++) {
        series.addSamples(
            io.rwgateway.proto.writev2.Sample.newBuilder().setValue(1).setTimestamp(ts + i));
      }
      series.setMetadata(Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_COUNTER));
      req.addTimeseries(series);
    }
    return req.build().toByteArray();
  }

  /**
   * Offsets of every sample's value bytes in an encoded request whose series are field {@code
   * seriesField} (1.0: 1, 2.0: 5); in both versions a series' samples are field 2, and a sample is
   * value (1, fixed64) then timestamp (2, varint). Checks the layout that {@link
   * RequestTemplate#patch} relies on.
   */
  static int[] sampleOffsets(byte[] raw, int seriesField) {
    int[] out = new int[16];
    int n = 0;
    try {
      CodedInputStream top = CodedInputStream.newInstance(raw);
      while (!top.isAtEnd()) {
        int tag = top.readTag();
        if (tag >>> 3 != seriesField || (tag & 7) != 2) {
          top.skipField(tag);
          continue;
        }
        int seriesEnd = top.readRawVarint32() + top.getTotalBytesRead();
        while (top.getTotalBytesRead() < seriesEnd) {
          int t = top.readTag();
          if (t != (2 << 3 | 2)) {
            top.skipField(t);
            continue;
          }
          int len = top.readRawVarint32();
          int start = top.getTotalBytesRead();
          if (len != 16
              || raw[start] != 0x09
              || raw[start + 9] != 0x10
              || (raw[start + 15] & 0x80) != 0
              || (raw[start + 14] & 0x80) == 0) {
            throw new IllegalStateException("unexpected sample layout at byte " + start);
          }
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = start + 1;
          top.skipRawBytes(len);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Arrays.copyOf(out, n);
  }
}
