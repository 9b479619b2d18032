package io.rwgateway.ingest.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.prompb.Exemplar;
import io.rwgateway.proto.thanos.prompb.TimeSeries;
import io.rwgateway.proto.thanos.storepb.WriteRequest;
import io.rwgateway.tsdb.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The encoder writes, from a batch, exactly the bytes the generated serializer writes. */
class ForwardEncoderTest {
  private final ForwardDecoder decoder =
      new ForwardDecoder(DecodeLimits.defaults(), "default-tenant");

  /**
   * What a batch keeps of a series: labels without empty values, exemplar labels sorted by name.
   */
  private static TimeSeries canonical(TimeSeries ts) {
    TimeSeries.Builder b = ts.toBuilder().clearLabels().clearExemplars();
    ts.getLabelsList().stream().filter(l -> !l.getValue().isEmpty()).forEach(b::addLabels);
    for (Exemplar e : ts.getExemplarsList()) {
      List<Label> sorted =
          e.getLabelsList().stream().sorted(Comparator.comparing(Label::getName)).toList();
      b.addExemplars(e.toBuilder().clearLabels().addAllLabels(sorted));
    }
    return b.build();
  }

  private static byte[] expected(WriteRequest req, int[] series, String tenant, long replica) {
    WriteRequest.Builder b = WriteRequest.newBuilder().setTenant(tenant).setReplica(replica);
    for (int i : series) {
      b.addTimeseries(canonical(req.getTimeseries(i)));
    }
    return b.build().toByteArray();
  }

  private static int[] all(WriteBatch b) {
    return IntStream.range(0, b.seriesCount).toArray();
  }

  @Test
  void sameBytesAsTheGeneratedSerializer() throws Exception {
    WriteRequest req = Fixtures.thanos(Fixtures.series(), "team-a", 2);
    WriteBatch b = Batches.forward(decoder, req.toByteArray());
    int[] series = all(b);
    assertArrayEquals(
        expected(req, series, "team-a", 2),
        ForwardEncoder.encode(b, series, series.length, "team-a", 2));
    // Defaults are left out: no tenant and replica 0 write nothing.
    assertArrayEquals(
        expected(req, series, "", 0), ForwardEncoder.encode(b, series, series.length, "", 0));
  }

  @Test
  void aForwardCutIntoSizedRequestsCarriesEverySeriesOnceInOrder() throws Exception {
    WriteRequest req = Fixtures.thanos(Fixtures.series(), "t", 1);
    WriteBatch b = Batches.forward(decoder, req.toByteArray());
    int[] series = all(b);
    int[] sizes = ForwardEncoder.seriesSizes(b, series, series.length);
    long total = 0;
    long largest = 0;
    for (int z : sizes) {
      total += z + 8;
      largest = Math.max(largest, z + 8);
    }
    assertTrue(series.length >= 4, "the fixture has series to cut");
    long max = Math.max(largest, total / 3); // about three requests
    List<Integer> seen = new ArrayList<>();
    int requests = 0;
    for (int from = 0, to; from < series.length; from = to) {
      to = ForwardEncoder.cut(sizes, from, series.length, max);
      assertTrue(to > from, "at least one series per request");
      byte[] part = ForwardEncoder.encode(b, series, sizes, from, to, "t", 2);
      assertTrue(part.length <= max + 16 || to == from + 1, "request of " + part.length + " bytes");
      int[] expectedPart = Arrays.copyOfRange(series, from, to);
      assertArrayEquals(expected(req, expectedPart, "t", 2), part);
      for (int i = from; i < to; i++) {
        seen.add(series[i]);
      }
      requests++;
    }
    assertTrue(requests > 1, "the forward was cut: " + requests);
    assertEquals(IntStream.of(series).boxed().toList(), seen);
    // One series larger than the limit still goes, alone.
    assertEquals(1, ForwardEncoder.cut(sizes, 0, series.length, 1));
  }

  @Test
  void subsetInTheGivenOrderRoundTrips() throws Exception {
    WriteRequest req = Fixtures.thanos(Fixtures.series(), "t", 1);
    WriteBatch b = Batches.forward(decoder, req.toByteArray());
    int[] subset = {3, 0, 2, 99};
    byte[] out = ForwardEncoder.encode(b, subset, 3, "other", 3);
    assertArrayEquals(expected(req, new int[] {3, 0, 2}, "other", 3), out);

    WriteBatch again = Batches.forward(decoder, out);
    assertEquals("other", again.tenant);
    assertEquals(3, decoder.replica());
    WriteBatch direct = Batches.forward(decoder, expected(req, new int[] {3, 0, 2}, "other", 3));
    Batches.assertSame(direct, again);
    assertEquals(
        0,
        ForwardEncoder.encode(b, subset, 0, "", 0).length,
        "no series, no tenant, no replica: empty");
  }

  @Test
  void randomBatchesEncodeLikeTheGeneratedSerializer() throws Exception {
    Random rnd = new Random(11);
    for (int i = 0; i < 300; i++) {
      WriteRequest req = Fixtures.thanos(Fixtures.random(rnd), "x", 1);
      WriteBatch b = Batches.forward(decoder, req.toByteArray());
      int[] series = all(b);
      assertArrayEquals(
          expected(req, series, "x", 1 + i % 3),
          ForwardEncoder.encode(b, series, series.length, "x", 1 + i % 3),
          "request " + i);
    }
  }
}
