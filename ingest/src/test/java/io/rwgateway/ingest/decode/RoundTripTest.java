package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.DecodeTestSupport.NOW;
import static io.rwgateway.ingest.decode.DecodeTestSupport.assertMatchesV1;
import static io.rwgateway.ingest.decode.DecodeTestSupport.assertMatchesV2;
import static io.rwgateway.ingest.decode.DecodeTestSupport.decodeV1;
import static io.rwgateway.ingest.decode.DecodeTestSupport.decodeV2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedOutputStream;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Exemplar;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import io.rwgateway.tsdb.WriteBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTripTest {
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;
  static final double[] SPECIAL = {
    1.5,
    0.0,
    -0.0,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.longBitsToDouble(STALE_NAN_BITS),
    Double.MIN_VALUE,
    -Double.MAX_VALUE
  };

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());

  static Label label(String n, String v) {
    return Label.newBuilder().setName(n).setValue(v).build();
  }

  static Histogram intHistogram(long t) {
    return Histogram.newBuilder()
        .setCountInt(6)
        .setSum(12.5)
        .setSchema(3)
        .setZeroThreshold(1e-128)
        .setZeroCountInt(1)
        .addNegativeSpans(BucketSpan.newBuilder().setOffset(-2).setLength(1))
        .addNegativeDeltas(1)
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(2))
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(3).setLength(1))
        .addPositiveDeltas(2)
        .addPositiveDeltas(-1)
        .addPositiveDeltas(0)
        .setResetHint(Histogram.ResetHint.NO)
        .setTimestamp(t)
        .build();
  }

  static Histogram floatHistogram(long t) {
    return Histogram.newBuilder()
        .setCountFloat(4.5)
        .setSum(-3)
        .setSchema(-4)
        .setZeroCountFloat(0.5)
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(-1).setLength(2))
        .addPositiveCounts(1.5)
        .addPositiveCounts(2.5)
        .setResetHint(Histogram.ResetHint.GAUGE)
        .setTimestamp(t)
        .build();
  }

  static Histogram customBuckets(long t) {
    return Histogram.newBuilder()
        .setCountInt(3)
        .setSum(7)
        .setSchema(-53)
        .addPositiveSpans(BucketSpan.newBuilder().setLength(3))
        .addPositiveDeltas(1)
        .addPositiveDeltas(0)
        .addPositiveDeltas(0)
        .addCustomValues(0.1)
        .addCustomValues(0.5)
        .addCustomValues(1)
        .setTimestamp(t)
        .build();
  }

  static WriteRequest v1Request() {
    TimeSeries.Builder floats =
        TimeSeries.newBuilder()
            .addLabels(label("__name__", "up"))
            .addLabels(label("instance", "host:9090"))
            .addLabels(label("job", "prom"));
    for (int i = 0; i < SPECIAL.length; i++) {
      floats.addSamples(Sample.newBuilder().setTimestamp(NOW - 1000 + i).setValue(SPECIAL[i]));
    }
    floats.addExemplars(
        Exemplar.newBuilder()
            .addLabels(label("trace_id", "abc123"))
            .addLabels(label("span_id", "7"))
            .setValue(0.25)
            .setTimestamp(NOW - 5));
    floats.addExemplars(
        Exemplar.newBuilder().setValue(1).setTimestamp(NOW - 4)); // no labels is allowed
    return WriteRequest.newBuilder()
        .addTimeseries(floats)
        .addTimeseries(
            TimeSeries.newBuilder()
                .addLabels(label("__name__", "rpc_seconds"))
                .addLabels(
                    label("le", "")) // empty value: dropped, as Prometheus treats it as absent
                .addLabels(label("svc", "ünïcødé ✓ 🚀"))
                .addHistograms(intHistogram(NOW - 2000))
                .addHistograms(floatHistogram(NOW - 1000))
                .addHistograms(customBuckets(NOW)))
        .addTimeseries(
            TimeSeries.newBuilder()
                .addLabels(label("__name__", "only_exemplars"))
                .addExemplars(
                    Exemplar.newBuilder().addLabels(label("a", "b")).setValue(2).setTimestamp(1)))
        .addMetadata(
            MetricMetadata.newBuilder()
                .setType(MetricMetadata.MetricType.COUNTER)
                .setMetricFamilyName("http_requests_total")
                .setHelp("Requests served.")
                .setUnit("requests"))
        .addMetadata(
            MetricMetadata.newBuilder()
                .setType(MetricMetadata.MetricType.STATESET)
                .setMetricFamilyName("x"))
        .build();
  }

  @Test
  void v1RoundTripFloatsHistogramsExemplarsMetadata() throws Exception {
    byte[] body = v1Request().toByteArray();
    WriteBatch b = decodeV1(decoder, body);
    assertMatchesV1(body, b);
    assertEquals(SPECIAL.length, b.sampleCount);
    assertEquals(
        STALE_NAN_BITS, Double.doubleToRawLongBits(b.sampleV[6]), "staleness marker bits kept");
    assertEquals(3, b.histCount);
    assertEquals(
        Labels.of("__name__", "rpc_seconds", "svc", "ünïcødé ✓ 🚀"),
        DecodeTestSupport.seriesLabels(b, 1));
    // Exemplar labels come out sorted even though span_id was sent after trace_id.
    assertEquals(
        Labels.of("span_id", "7", "trace_id", "abc123"),
        LabelBytes.decode(b.bytes, b.exLabelsOff[0], b.exLabelsLen[0]));
  }

  static Request v2Request(List<String> symbols) throws IOException {
    Request.Builder r = Request.newBuilder().addAllSymbols(symbols);
    // symbols: 0 "", 1 __name__, 2 up, 3 job, 4 prom, 5 rpc_seconds, 6 help, 7 seconds, 8 trace_id,
    // 9 abc
    io.rwgateway.proto.writev2.TimeSeries.Builder floats =
        io.rwgateway.proto.writev2.TimeSeries.newBuilder()
            .addLabelsRefs(1)
            .addLabelsRefs(2)
            .addLabelsRefs(3)
            .addLabelsRefs(4)
            .setMetadata(
                Metadata.newBuilder().setType(Metadata.MetricType.METRIC_TYPE_GAUGE).setHelpRef(6))
            .setCreatedTimestamp(NOW - 60_000);
    for (int i = 0; i < SPECIAL.length; i++) {
      floats.addSamples(
          io.rwgateway.proto.writev2.Sample.newBuilder()
              .setTimestamp(NOW - 1000 + i)
              .setValue(SPECIAL[i]));
    }
    floats.addExemplars(
        io.rwgateway.proto.writev2.Exemplar.newBuilder()
            .addLabelsRefs(8)
            .addLabelsRefs(9)
            .setValue(3)
            .setTimestamp(NOW - 10));
    r.addTimeseries(floats);
    r.addTimeseries(
        io.rwgateway.proto.writev2.TimeSeries.newBuilder()
            .addLabelsRefs(1)
            .addLabelsRefs(5)
            .addLabelsRefs(3)
            .addLabelsRefs(4)
            .setMetadata(
                Metadata.newBuilder()
                    .setType(Metadata.MetricType.METRIC_TYPE_HISTOGRAM)
                    .setUnitRef(7))
            .addHistograms(
                io.rwgateway.proto.writev2.Histogram.newBuilder()
                    .mergeFrom(intHistogram(NOW - 3).toByteString().toByteArray())
                    .build())
            .addHistograms(
                io.rwgateway.proto.writev2.Histogram.newBuilder()
                    .mergeFrom(floatHistogram(NOW - 2).toByteString().toByteArray())
                    .build()));
    // Metadata that is all empty is not stored.
    r.addTimeseries(
        io.rwgateway.proto.writev2.TimeSeries.newBuilder()
            .addLabelsRefs(1)
            .addLabelsRefs(2)
            .setMetadata(Metadata.newBuilder())
            .addSamples(io.rwgateway.proto.writev2.Sample.newBuilder().setValue(1)));
    return r.build();
  }

  @Test
  void v2RoundTripFloatsHistogramsExemplarsMetadata() throws Exception {
    byte[] body =
        v2Request(
                List.of(
                    "",
                    "__name__",
                    "up",
                    "job",
                    "prom",
                    "rpc_seconds",
                    "Help text.",
                    "seconds",
                    "trace_id",
                    "abc"))
            .toByteArray();
    long ctBefore = decoder.createdTimestampsIgnored();
    WriteBatch b = decodeV2(decoder, body);
    assertMatchesV2(body, b);
    assertEquals(2, b.metaCount);
    assertEquals(2, b.histCount);
    assertEquals(
        1, decoder.createdTimestampsIgnored() - ctBefore, "created timestamp counted, not kept");
    assertEquals(STALE_NAN_BITS, Double.doubleToRawLongBits(b.sampleV[6]));
  }

  @Test
  void v2SymbolsMayFollowTheSeries() throws Exception {
    Request ordered =
        v2Request(List.of("", "__name__", "up", "job", "prom", "rpc_seconds", "h", "s", "t", "a"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    for (io.rwgateway.proto.writev2.TimeSeries ts : ordered.getTimeseriesList()) {
      c.writeMessage(5, ts);
    }
    for (String s : ordered.getSymbolsList()) {
      c.writeString(4, s);
    }
    c.flush();
    byte[] body = out.toByteArray();
    assertMatchesV2(body, decodeV2(decoder, body));
  }

  @Test
  void unpackedRepeatedScalarsAreAccepted() throws Exception {
    // labels_refs one varint per field, histogram deltas and counts unpacked.
    ByteArrayOutputStream hist = new ByteArrayOutputStream();
    CodedOutputStream h = CodedOutputStream.newInstance(hist);
    h.writeUInt64(1, 3);
    h.writeSInt32(4, 0);
    h.writeMessage(11, BucketSpan.newBuilder().setOffset(0).setLength(2).build());
    h.writeSInt64(12, 1);
    h.writeSInt64(12, 1);
    h.writeInt64(15, NOW);
    h.flush();
    ByteArrayOutputStream ts = new ByteArrayOutputStream();
    CodedOutputStream t = CodedOutputStream.newInstance(ts);
    t.writeUInt32(1, 1);
    t.writeUInt32(1, 2);
    t.writeByteArray(3, hist.toByteArray());
    t.flush();
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    CodedOutputStream r = CodedOutputStream.newInstance(req);
    r.writeString(4, "");
    r.writeString(4, "__name__");
    r.writeString(4, "h");
    r.writeByteArray(5, ts.toByteArray());
    r.flush();
    byte[] body = req.toByteArray();
    WriteBatch b = decodeV2(decoder, body);
    assertMatchesV2(body, b);
    assertEquals(1, b.histCount);

    // Float counts unpacked (wire type 1) in RW 1.0.
    ByteArrayOutputStream fh = new ByteArrayOutputStream();
    CodedOutputStream f = CodedOutputStream.newInstance(fh);
    f.writeDouble(2, 2.0);
    f.writeMessage(8, BucketSpan.newBuilder().setLength(2).build());
    f.writeDouble(10, 1.0);
    f.writeDouble(10, 1.0);
    f.flush();
    byte[] v1 =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addHistograms(Histogram.parseFrom(fh.toByteArray())))
            .build()
            .toByteArray();
    // Re-encode the series by hand so the counts stay unpacked on the wire.
    ByteArrayOutputStream series = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(series);
    s.writeMessage(1, label("__name__", "m"));
    s.writeByteArray(4, fh.toByteArray());
    s.flush();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    CodedOutputStream w = CodedOutputStream.newInstance(whole);
    w.writeByteArray(1, series.toByteArray());
    w.flush();
    WriteBatch b1 = decodeV1(decoder, whole.toByteArray());
    assertMatchesV1(v1, b1);
    assertEquals(fh.size(), b1.histLen[0], "raw histogram bytes kept as sent");
  }

  @Test
  void decoderIsReusableAcrossRequests() throws Exception {
    byte[] v1 = v1Request().toByteArray();
    byte[] v2 =
        v2Request(List.of("", "__name__", "up", "job", "prom", "r", "h", "s", "t", "a"))
            .toByteArray();
    for (int i = 0; i < 5; i++) {
      assertMatchesV1(v1, decodeV1(decoder, v1));
      assertMatchesV2(v2, decodeV2(decoder, v2));
    }
  }

  @Test
  void unknownFieldsAreSkipped() throws Exception {
    ByteArrayOutputStream series = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(series);
    s.writeFixed32(99, 7);
    s.writeMessage(1, label("__name__", "m"));
    s.writeString(50, "ignored");
    s.writeMessage(2, Sample.newBuilder().setValue(2).setTimestamp(NOW).build());
    s.writeFixed64(77, 1);
    s.writeUInt64(78, 1);
    s.flush();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    CodedOutputStream w = CodedOutputStream.newInstance(whole);
    w.writeString(2, "cortex source field");
    w.writeByteArray(1, series.toByteArray());
    w.writeUInt64(1000, 5);
    w.flush();
    byte[] body = whole.toByteArray();
    assertMatchesV1(body, decodeV1(decoder, body));
  }

  static byte[] writeBytes(IOConsumer body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    body.accept(c);
    c.flush();
    return out.toByteArray();
  }

  interface IOConsumer {
    void accept(CodedOutputStream c) throws IOException;
  }
}
