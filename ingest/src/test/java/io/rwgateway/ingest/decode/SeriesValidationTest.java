package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.DecodeTestSupport.NOW;
import static io.rwgateway.ingest.decode.DecodeTestSupport.decodeV1;
import static io.rwgateway.ingest.decode.DecodeTestSupport.decodeV2;
import static io.rwgateway.ingest.decode.DecodeTestSupport.rejected;
import static io.rwgateway.ingest.decode.DecodeTestSupport.seriesLabels;
import static io.rwgateway.ingest.decode.RoundTripTest.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.RejectReason;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Exemplar;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import io.rwgateway.tsdb.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Per-series and per-sample rules: the bad part is dropped and counted, the rest is kept. */
class SeriesValidationTest {
  private static final long TEN_MINUTES = 10 * 60 * 1000L;
  private static final int INITIAL_BATCH_BYTES = new WriteBatch().bytes.length;

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());

  private static TimeSeries.Builder good() {
    return TimeSeries.newBuilder()
        .addLabels(label("__name__", "good"))
        .addLabels(label("job", "j"))
        .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW));
  }

  /**
   * Sends {@code bad} (with two samples) between two good series and checks it alone is rejected.
   */
  private WriteBatch rejectOne(TimeSeries.Builder bad, RejectReason reason, String messagePart)
      throws Exception {
    return rejectOne(bad.build().toByteArray(), reason, messagePart);
  }

  /** Same, with the bad series' TimeSeries bytes (labels only) encoded by hand. */
  private WriteBatch rejectOne(byte[] badLabels, RejectReason reason, String messagePart)
      throws Exception {
    byte[] bad =
        RoundTripTest.writeBytes(
            c -> {
              c.writeRawBytes(badLabels);
              c.writeMessage(2, Sample.newBuilder().setValue(1).setTimestamp(NOW - 1).build());
              c.writeMessage(2, Sample.newBuilder().setValue(2).setTimestamp(NOW).build());
            });
    byte[] body =
        RoundTripTest.writeBytes(
            c -> {
              c.writeMessage(1, good().build());
              c.writeByteArray(1, bad);
              c.writeMessage(1, good().setLabels(1, label("job", "k")).build());
            });
    WriteBatch b = decodeV1(decoder, body);
    assertEquals(2, b.seriesCount, "the good series are kept");
    assertEquals(2, b.sampleCount);
    assertEquals(Labels.of("__name__", "good", "job", "k"), seriesLabels(b, 1));
    assertEquals(2, rejected(b, reason), "both samples of the bad series counted as " + reason);
    assertEquals(2, b.rejectedTotal());
    assertTrue(b.firstBadData.contains(messagePart), b.firstBadData);
    assertTrue(!b.firstBadData.contains("\n"));
    return b;
  }

  /**
   * TimeSeries bytes with __name__="m" and one label given as raw (possibly invalid UTF-8) bytes.
   */
  private static byte[] rawLabel(byte[] name, byte[] value) throws IOException {
    byte[] l =
        RoundTripTest.writeBytes(
            c -> {
              c.writeByteArray(1, name);
              c.writeByteArray(2, value);
            });
    return RoundTripTest.writeBytes(
        c -> {
          c.writeMessage(1, label("__name__", "m"));
          c.writeByteArray(1, l);
        });
  }

  @Test
  void seriesWithNoLabels() throws Exception {
    rejectOne(TimeSeries.newBuilder(), RejectReason.INVALID_LABELS, "series has no labels");
  }

  @Test
  void emptyLabelName() throws Exception {
    rejectOne(
        TimeSeries.newBuilder().addLabels(label("", "x")).addLabels(label("__name__", "m")),
        RejectReason.INVALID_LABELS,
        "has an empty label name");
  }

  @Test
  void duplicateLabelName() throws Exception {
    rejectOne(
        TimeSeries.newBuilder()
            .addLabels(label("__name__", "m"))
            .addLabels(label("job", "a"))
            .addLabels(label("job", "b")),
        RejectReason.INVALID_LABELS,
        "duplicate label name \"job\"");
  }

  @Test
  void unsortedLabels() throws Exception {
    rejectOne(
        TimeSeries.newBuilder().addLabels(label("job", "a")).addLabels(label("__name__", "m")),
        RejectReason.INVALID_LABELS,
        "labels out of order: \"__name__\" after \"job\"");
  }

  @Test
  void missingMetricName() throws Exception {
    rejectOne(
        TimeSeries.newBuilder().addLabels(label("job", "a")),
        RejectReason.MISSING_METRIC_NAME,
        "series {job=\"a\"} has no __name__ label");
    rejectOne(
        TimeSeries.newBuilder().addLabels(label("__name__", "")).addLabels(label("job", "a")),
        RejectReason.MISSING_METRIC_NAME,
        "no __name__");
  }

  @Test
  void invalidUtf8InNameAndValue() throws Exception {
    byte[] bad = {'a', (byte) 0xC3, 'b'}; // truncated two-byte sequence
    rejectOne(
        rawLabel(bad, "v".getBytes()),
        RejectReason.INVALID_UTF8,
        "label name that is not valid UTF-8");
    rejectOne(
        rawLabel("k".getBytes(), bad),
        RejectReason.INVALID_UTF8,
        "value of label \"k\" that is not valid UTF-8");
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800 encoded: not valid UTF-8
    rejectOne(rawLabel("k".getBytes(), surrogate), RejectReason.INVALID_UTF8, "not valid UTF-8");
  }

  @Test
  void theFirstBadLabelIsReportedWhenASeriesHasSeveral() throws Exception {
    // Bad UTF-8 in the value of the second label, and the third label is out of order.
    byte[] bad = {'a', (byte) 0xC3, 'b'};
    byte[] l =
        RoundTripTest.writeBytes(
            c -> {
              c.writeByteArray(1, "k".getBytes());
              c.writeByteArray(2, bad);
            });
    byte[] labels =
        RoundTripTest.writeBytes(
            c -> {
              c.writeMessage(1, label("__name__", "m"));
              c.writeByteArray(1, l);
              c.writeMessage(1, label("a", "v"));
            });
    rejectOne(labels, RejectReason.INVALID_UTF8, "value of label \"k\" that is not valid UTF-8");
  }

  @Test
  void longValuesAreCheckedWhereTheirLengthsAreNotAscii() throws Exception {
    // A length of 128 or more is a varint with a high bit: the series is then checked string by
    // string.
    String longAscii = "x".repeat(300);
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addLabels(label("k", longAscii))
                    .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW)))
            .build()
            .toByteArray();
    assertEquals(
        Labels.of("__name__", "m", "k", longAscii), seriesLabels(decodeV1(decoder, body), 0));
    byte[] longBad = (longAscii + "\u00e9").getBytes(StandardCharsets.UTF_8);
    longBad[longBad.length - 1] = 'z'; // the two-byte sequence loses its second byte
    rejectOne(
        rawLabel("k".getBytes(), longBad),
        RejectReason.INVALID_UTF8,
        "value of label \"k\" that is not valid UTF-8");
  }

  @Test
  void utf8LabelNamesAreAccepted() throws Exception {
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "métrique.total"))
                    .addLabels(label("名前", "値"))
                    .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW)))
            .build()
            .toByteArray();
    WriteBatch b = decodeV1(decoder, body);
    assertEquals(Labels.of("__name__", "métrique.total", "名前", "値"), seriesLabels(b, 0));
  }

  @Test
  void hundredThousandLabelsAreRefusedWithoutCopying() throws Exception {
    TimeSeries.Builder big = TimeSeries.newBuilder().addLabels(label("__name__", "m"));
    for (int i = 0; i < 100_000; i++) {
      big.addLabels(label(String.format("l%06d", i), "some value that would take space " + i));
    }
    WriteBatch b =
        rejectOne(
            big,
            RejectReason.TOO_MANY_LABELS,
            "has 100001 labels, over the limit of 64 (--receive.limits.max-label-names-per-series)");
    assertEquals(INITIAL_BATCH_BYTES, b.bytes.length, "batch bytes never grew");
  }

  @Test
  void oneMebibyteValueIsRefusedWithoutCopying() throws Exception {
    char[] v = new char[1 << 20];
    Arrays.fill(v, 'x');
    WriteBatch b =
        rejectOne(
            TimeSeries.newBuilder()
                .addLabels(label("__name__", "m"))
                .addLabels(label("huge", new String(v))),
            RejectReason.LABEL_VALUE_TOO_LONG,
            "a value of 1048576 bytes for label \"huge\", over the limit of 4096 (--receive.limits.max-label-value-length)");
    assertEquals(INITIAL_BATCH_BYTES, b.bytes.length, "batch bytes never grew");
    assertTrue(b.firstBadData.length() < 400, "message stays short");
  }

  @Test
  void labelNameTooLong() throws Exception {
    char[] n = new char[1025];
    Arrays.fill(n, 'n');
    rejectOne(
        TimeSeries.newBuilder()
            .addLabels(label("__name__", "m"))
            .addLabels(label(new String(n), "v")),
        RejectReason.LABEL_NAME_TOO_LONG,
        "label name of 1025 bytes, over the limit of 1024 "
            + "(--receive.limits.max-label-name-length)");
  }

  @Test
  void futureSamplesAreDroppedAndTheRestKept() throws Exception {
    Histogram futureHist =
        Histogram.newBuilder().setCountInt(0).setTimestamp(NOW + TEN_MINUTES + 1).build();
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW))
                    .addSamples(Sample.newBuilder().setValue(2).setTimestamp(NOW + TEN_MINUTES + 1))
                    .addSamples(Sample.newBuilder().setValue(3).setTimestamp(NOW + TEN_MINUTES))
                    .addHistograms(futureHist))
            .build()
            .toByteArray();
    WriteBatch b = decodeV1(decoder, body);
    assertEquals(1, b.seriesCount);
    assertEquals(2, b.seriesSampleCount[0]);
    assertEquals(NOW + TEN_MINUTES, b.sampleT[1], "exactly at the limit is fine");
    assertEquals(0, b.histCount);
    assertEquals(2, rejected(b, RejectReason.TOO_FAR_IN_FUTURE));
    assertTrue(
        b.firstBadData.contains("too far in the future")
            && b.firstBadData.contains("--receive.limits.max-future"),
        b.firstBadData);
  }

  private static Histogram.Builder okHist() {
    return Histogram.newBuilder()
        .setCountInt(2)
        .setSchema(0)
        .setTimestamp(NOW)
        .addPositiveSpans(BucketSpan.newBuilder().setLength(2))
        .addPositiveDeltas(1)
        .addPositiveDeltas(0);
  }

  @Test
  void malformedHistogramsAreDropped() throws Exception {
    Histogram[] bad = {
      okHist().setSchema(9).build(),
      okHist().setSchema(-5).build(),
      okHist().addPositiveDeltas(1).build(), // 2 buckets spanned, 3 deltas
      okHist()
          .addNegativeSpans(BucketSpan.newBuilder().setLength(1))
          .build(), // negative span without counts
      okHist().addPositiveCounts(1.0).build(), // int deltas and float counts
      okHist().setZeroCountFloat(1).build(), // int count, float zero count
      okHist().addPositiveSpans(BucketSpan.newBuilder().setOffset(-1).setLength(0)).build(),
    };
    String[] why = {
      "schema 9",
      "schema -5",
      "positive spans cover 2 buckets but carry 3",
      "negative spans cover 1",
      "both integer and float",
      "both integer and float",
      "negative offset -1 in span #2"
    };
    for (int i = 0; i < bad.length; i++) {
      byte[] body =
          WriteRequest.newBuilder()
              .addTimeseries(
                  TimeSeries.newBuilder()
                      .addLabels(label("__name__", "h"))
                      .addHistograms(okHist())
                      .addHistograms(bad[i]))
              .build()
              .toByteArray();
      WriteBatch b = decodeV1(decoder, body);
      assertEquals(1, b.histCount, "the good histogram stays (" + why[i] + ")");
      assertEquals(1, rejected(b, RejectReason.INVALID_HISTOGRAM));
      assertTrue(b.firstBadData.contains(why[i]), b.firstBadData);
    }
    for (int schema : new int[] {-4, 8, -53}) {
      byte[] body =
          WriteRequest.newBuilder()
              .addTimeseries(
                  TimeSeries.newBuilder()
                      .addLabels(label("__name__", "h"))
                      .addHistograms(okHist().setSchema(schema)))
              .build()
              .toByteArray();
      assertEquals(1, decodeV1(decoder, body).histCount, "schema " + schema + " is valid");
    }
  }

  @Test
  void entriesTooBigForOneWalRecordAreRefused() throws Exception {
    // Labels: only reachable with raised label limits; the series is refused, its neighbours stay.
    RemoteWriteDecoder loose =
        new RemoteWriteDecoder(new DecodeLimits(64, 1024, 1 << 20, 600_000, 32 << 20));
    String huge = "v".repeat(DecodeLimits.MAX_SERIES_LABEL_BYTES);
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(good())
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addLabels(label("k", huge))
                    .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW)))
            .build()
            .toByteArray();
    WriteBatch b = decodeV1(loose, body);
    assertEquals(1, b.seriesCount);
    assertEquals(1, rejected(b, RejectReason.INVALID_LABELS));
    assertTrue(
        b.firstBadData.contains("bytes of labels, over the limit of 262144 bytes"), b.firstBadData);

    // A histogram over 64 KiB (one span of 70k single-byte deltas) is refused; the small one stays.
    Histogram.Builder big =
        Histogram.newBuilder()
            .setSchema(0)
            .setTimestamp(NOW)
            .addPositiveSpans(BucketSpan.newBuilder().setLength(70_000));
    for (int i = 0; i < 70_000; i++) {
      big.addPositiveDeltas(0);
    }
    body =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "h"))
                    .addHistograms(okHist().setTimestamp(NOW - 1))
                    .addHistograms(big))
            .build()
            .toByteArray();
    b = decodeV1(decoder, body);
    assertEquals(1, b.histCount);
    assertEquals(1, rejected(b, RejectReason.INVALID_HISTOGRAM));
    assertTrue(b.firstBadData.contains("over the limit of 65536 bytes"), b.firstBadData);

    // Metadata with a help text over 64 KiB is dropped and counted; the rest of the request stays.
    body =
        WriteRequest.newBuilder()
            .addTimeseries(good())
            .addMetadata(
                MetricMetadata.newBuilder()
                    .setMetricFamilyName("good")
                    .setHelp("h".repeat(DecodeLimits.MAX_METADATA_TEXT_BYTES + 1)))
            .addMetadata(MetricMetadata.newBuilder().setMetricFamilyName("good").setHelp("ok"))
            .build()
            .toByteArray();
    long before = decoder.metadataDropped();
    b = decodeV1(decoder, body);
    assertEquals(1, b.metaCount);
    assertEquals(1, decoder.metadataDropped() - before);
    assertEquals(1, b.sampleCount);

    // The same for remote write 2.0's per-series metadata: the series stays, its metadata is
    // dropped.
    io.rwgateway.proto.writev2.Sample s =
        io.rwgateway.proto.writev2.Sample.newBuilder().setValue(1).setTimestamp(NOW).build();
    byte[] v2 =
        Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("m")
            .addSymbols("h".repeat(DecodeLimits.MAX_METADATA_TEXT_BYTES + 1))
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .addSamples(s)
                    .setMetadata(Metadata.newBuilder().setHelpRef(3)))
            .build()
            .toByteArray();
    before = decoder.metadataDropped();
    b = decodeV2(decoder, v2);
    assertEquals(0, b.metaCount);
    assertEquals(1, decoder.metadataDropped() - before);
    assertEquals(1, b.sampleCount);
  }

  @Test
  void exemplarLabelsOver128CharactersAreDropped() throws Exception {
    char[] v = new char[120];
    Arrays.fill(v, 'é'); // 2 bytes each, 1 character
    Exemplar ok =
        Exemplar.newBuilder()
            .addLabels(label("trace_id", new String(v)))
            .setValue(1)
            .setTimestamp(NOW)
            .build();
    Exemplar tooLong =
        Exemplar.newBuilder()
            .addLabels(label("trace_id", new String(v) + "x"))
            .setValue(1)
            .setTimestamp(NOW)
            .build();
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(good().addExemplars(ok).addExemplars(tooLong))
            .build()
            .toByteArray();
    WriteBatch b = decodeV1(decoder, body);
    assertEquals(1, b.sampleCount);
    assertEquals(1, b.exCount, "8 + 120 characters is exactly the limit");
    assertEquals(1, rejected(b, RejectReason.INVALID_EXEMPLAR));
    // Soft, as in Prometheus: counted (and in /metrics), but it does not fail the request.
    assertEquals(null, b.firstBadData);
    assertEquals(0, b.rejectedTotal());
  }

  @Test
  void v2OddLabelRefsAndBadUtf8Symbol() throws Exception {
    io.rwgateway.proto.writev2.Sample s =
        io.rwgateway.proto.writev2.Sample.newBuilder().setValue(1).setTimestamp(NOW).build();
    byte[] body =
        RoundTripTest.writeBytes(
            c -> {
              c.writeString(4, "");
              c.writeString(4, "__name__");
              c.writeString(4, "m");
              c.writeByteArray(4, new byte[] {(byte) 0xFF});
              c.writeMessage(
                  5,
                  io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                      .addLabelsRefs(1)
                      .addLabelsRefs(2)
                      .addLabelsRefs(1)
                      .addSamples(s)
                      .build());
              c.writeMessage(
                  5,
                  io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                      .addLabelsRefs(1)
                      .addLabelsRefs(3)
                      .addSamples(s)
                      .build());
              c.writeMessage(
                  5,
                  io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                      .addLabelsRefs(1)
                      .addLabelsRefs(2)
                      .addSamples(s)
                      .build());
            });
    WriteBatch b = decodeV2(decoder, body);
    assertEquals(1, b.seriesCount);
    assertEquals(1, rejected(b, RejectReason.INVALID_LABELS));
    assertEquals(1, rejected(b, RejectReason.INVALID_UTF8));
    assertTrue(b.firstBadData.contains("odd number of label references (3)"), b.firstBadData);
  }

  @Test
  void customLimitsApply() throws Exception {
    RemoteWriteDecoder strict = new RemoteWriteDecoder(new DecodeLimits(2, 8, 4, 0, 1 << 20));
    byte[] body =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addLabels(label("a", "1"))
                    .addLabels(label("b", "2"))
                    .addSamples(Sample.newBuilder().setTimestamp(NOW)))
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addLabels(label("abcdefghi", "1"))
                    .addSamples(Sample.newBuilder().setTimestamp(NOW)))
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "m"))
                    .addSamples(Sample.newBuilder().setTimestamp(NOW + 1))
                    .addSamples(Sample.newBuilder().setTimestamp(NOW)))
            .build()
            .toByteArray();
    WriteBatch b = decodeV1(strict, body);
    assertEquals(1, rejected(b, RejectReason.TOO_MANY_LABELS));
    assertEquals(1, rejected(b, RejectReason.LABEL_NAME_TOO_LONG));
    assertEquals(1, rejected(b, RejectReason.TOO_FAR_IN_FUTURE));
    assertEquals(1, b.seriesCount);
    assertEquals(1, b.sampleCount);
  }
}
