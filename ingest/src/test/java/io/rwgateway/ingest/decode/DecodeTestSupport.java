package io.rwgateway.ingest.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.model.RejectReason;
import io.rwgateway.model.XxHash64;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import io.rwgateway.tsdb.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Decoding helpers and the comparison against what the generated protobuf parser reads. */
final class DecodeTestSupport {
  static final long NOW = 1_700_000_000_000L;

  private DecodeTestSupport() {}

  /** Decodes with a direct pooled buffer (what the server hands over) and releases it. */
  static WriteBatch decodeV1(RemoteWriteDecoder d, byte[] body) throws DecodeException {
    return decode(d, body, false);
  }

  static WriteBatch decodeV2(RemoteWriteDecoder d, byte[] body) throws DecodeException {
    return decode(d, body, true);
  }

  static WriteBatch decode(RemoteWriteDecoder d, byte[] body, boolean v2) throws DecodeException {
    return decode(d, body, v2, NOW);
  }

  static WriteBatch decode(RemoteWriteDecoder d, byte[] body, boolean v2, long now)
      throws DecodeException {
    WriteBatch batch = new WriteBatch();
    batch.reset();
    batch.tenant = "t";
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(body.length);
    try {
      buf.writeBytes(body);
      if (v2) {
        d.decodeV2(buf, batch, now);
      } else {
        d.decodeV1(buf, batch, now);
      }
      assertEquals(body.length, buf.readableBytes(), "decoder must not move the reader index");
    } finally {
      buf.release();
    }
    return batch;
  }

  static int rejected(WriteBatch b, RejectReason r) {
    return b.rejected[r.ordinal()];
  }

  static Labels seriesLabels(WriteBatch b, int i) {
    return LabelBytes.decode(b.bytes, b.seriesLabelsOff[i], b.seriesLabelsLen[i]);
  }

  static String string(WriteBatch b, int off, int len) {
    return new String(b.bytes, off, len, StandardCharsets.UTF_8);
  }

  /** Labels as Prometheus sees them: empty values mean "absent". */
  static Labels withoutEmpty(List<String> nameValues) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < nameValues.size(); i += 2) {
      if (!nameValues.get(i + 1).isEmpty()) {
        kept.add(nameValues.get(i));
        kept.add(nameValues.get(i + 1));
      }
    }
    return Labels.ofSorted(kept.toArray(new String[0]));
  }

  /** Checks the batch holds exactly what the generated parser reads (all series valid). */
  static void assertMatchesV1(byte[] body, WriteBatch b) throws InvalidProtocolBufferException {
    WriteRequest req = WriteRequest.parseFrom(body);
    assertEquals(req.getTimeseriesCount(), b.seriesCount, "series");
    int s = 0;
    int h = 0;
    int e = 0;
    for (int i = 0; i < req.getTimeseriesCount(); i++) {
      io.rwgateway.proto.prompb.TimeSeries ts = req.getTimeseries(i);
      List<String> nv = new ArrayList<>();
      ts.getLabelsList()
          .forEach(
              l -> {
                nv.add(l.getName());
                nv.add(l.getValue());
              });
      assertSeries(b, i, withoutEmpty(nv));
      assertEquals(ts.getSamplesCount(), b.seriesSampleCount[i], "samples of series " + i);
      assertEquals(s, b.seriesFirstSample[i]);
      for (io.rwgateway.proto.prompb.Sample smp : ts.getSamplesList()) {
        assertEquals(smp.getTimestamp(), b.sampleT[s], "t of sample " + s);
        assertEquals(
            Double.doubleToRawLongBits(smp.getValue()),
            Double.doubleToRawLongBits(b.sampleV[s]),
            "value bits of sample " + s);
        s++;
      }
      assertEquals(ts.getHistogramsCount(), b.seriesHistogramCount[i], "histograms of series " + i);
      for (io.rwgateway.proto.prompb.Histogram hist : ts.getHistogramsList()) {
        assertEquals(hist.getTimestamp(), b.histT[h]);
        assertEquals(
            hist,
            io.rwgateway.proto.prompb.Histogram.parseFrom(
                Arrays.copyOfRange(b.bytes, b.histOff[h], b.histOff[h] + b.histLen[h])));
        h++;
      }
      assertEquals(ts.getExemplarsCount(), b.seriesExemplarCount[i], "exemplars of series " + i);
      for (io.rwgateway.proto.prompb.Exemplar ex : ts.getExemplarsList()) {
        String[] nvs = new String[ex.getLabelsCount() * 2];
        for (int k = 0; k < ex.getLabelsCount(); k++) {
          nvs[2 * k] = ex.getLabels(k).getName();
          nvs[2 * k + 1] = ex.getLabels(k).getValue();
        }
        assertExemplar(b, e++, Labels.of(nvs), ex.getValue(), ex.getTimestamp());
      }
    }
    assertEquals(s, b.sampleCount);
    assertEquals(h, b.histCount);
    assertEquals(e, b.exCount);
    assertEquals(req.getMetadataCount(), b.metaCount, "metadata");
    for (int i = 0; i < req.getMetadataCount(); i++) {
      MetricMetadata m = req.getMetadata(i);
      assertMetadata(b, i, m.getTypeValue(), m.getMetricFamilyName(), m.getHelp(), m.getUnit());
    }
    assertEquals(0, b.rejectedTotal(), () -> "unexpected rejections: " + b.firstBadData);
  }

  static void assertMatchesV2(byte[] body, WriteBatch b) throws InvalidProtocolBufferException {
    Request req = Request.parseFrom(body);
    assertEquals(req.getTimeseriesCount(), b.seriesCount, "series");
    int s = 0;
    int h = 0;
    int e = 0;
    int m = 0;
    for (int i = 0; i < req.getTimeseriesCount(); i++) {
      io.rwgateway.proto.writev2.TimeSeries ts = req.getTimeseries(i);
      List<String> nv = new ArrayList<>();
      for (int k = 0; k < ts.getLabelsRefsCount(); k++) {
        nv.add(req.getSymbols(ts.getLabelsRefs(k)));
      }
      Labels labels = withoutEmpty(nv);
      assertSeries(b, i, labels);
      assertEquals(ts.getSamplesCount(), b.seriesSampleCount[i], "samples of series " + i);
      for (io.rwgateway.proto.writev2.Sample smp : ts.getSamplesList()) {
        assertEquals(smp.getTimestamp(), b.sampleT[s]);
        assertEquals(
            Double.doubleToRawLongBits(smp.getValue()), Double.doubleToRawLongBits(b.sampleV[s]));
        s++;
      }
      assertEquals(ts.getHistogramsCount(), b.seriesHistogramCount[i]);
      for (io.rwgateway.proto.writev2.Histogram hist : ts.getHistogramsList()) {
        assertEquals(hist.getTimestamp(), b.histT[h]);
        assertEquals(
            hist,
            io.rwgateway.proto.writev2.Histogram.parseFrom(
                Arrays.copyOfRange(b.bytes, b.histOff[h], b.histOff[h] + b.histLen[h])));
        h++;
      }
      assertEquals(ts.getExemplarsCount(), b.seriesExemplarCount[i]);
      for (io.rwgateway.proto.writev2.Exemplar ex : ts.getExemplarsList()) {
        String[] nvs = new String[ex.getLabelsRefsCount()];
        for (int k = 0; k < nvs.length; k++) {
          nvs[k] = req.getSymbols(ex.getLabelsRefs(k));
        }
        assertExemplar(b, e++, Labels.of(nvs), ex.getValue(), ex.getTimestamp());
      }
      if (ts.hasMetadata()) {
        Metadata md = ts.getMetadata();
        String help = req.getSymbols(md.getHelpRef());
        String unit = req.getSymbols(md.getUnitRef());
        if (md.getTypeValue() != 0 || !help.isEmpty() || !unit.isEmpty()) {
          assertMetadata(b, m++, md.getTypeValue(), labels.get("__name__"), help, unit);
        }
      }
    }
    assertEquals(s, b.sampleCount);
    assertEquals(h, b.histCount);
    assertEquals(e, b.exCount);
    assertEquals(m, b.metaCount);
    assertEquals(0, b.rejectedTotal(), () -> "unexpected rejections: " + b.firstBadData);
  }

  static void assertSeries(WriteBatch b, int i, Labels expected) {
    assertEquals(expected, seriesLabels(b, i), "labels of series " + i);
    assertArrayEquals(
        expected.toBytes(),
        Arrays.copyOfRange(
            b.bytes, b.seriesLabelsOff[i], b.seriesLabelsOff[i] + b.seriesLabelsLen[i]),
        "label bytes of series " + i);
    assertEquals(
        XxHash64.hash(b.bytes, b.seriesLabelsOff[i], b.seriesLabelsLen[i], 0), b.seriesHash[i]);
  }

  static void assertExemplar(WriteBatch b, int e, Labels labels, double v, long t) {
    assertEquals(
        labels, LabelBytes.decode(b.bytes, b.exLabelsOff[e], b.exLabelsLen[e]), "exemplar " + e);
    assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(b.exV[e]));
    assertEquals(t, b.exT[e]);
  }

  static void assertMetadata(WriteBatch b, int i, int type, String name, String help, String unit) {
    assertEquals(type, b.metaType[i], "metadata type " + i);
    assertEquals(name, string(b, b.metaNameOff[i], b.metaNameLen[i]));
    assertEquals(help, string(b, b.metaHelpOff[i], b.metaHelpLen[i]));
    assertEquals(unit, string(b, b.metaUnitOff[i], b.metaUnitLen[i]));
  }
}
