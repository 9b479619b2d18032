package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.DecodeTestSupport.NOW;
import static io.rwgateway.ingest.decode.DecodeTestSupport.decode;
import static io.rwgateway.ingest.decode.RoundTripTest.label;
import static io.rwgateway.ingest.decode.RoundTripTest.writeBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bodies that are not a well-formed message: the whole request fails with a 400 that says why. */
class MalformedRequestTest {
  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());

  private DecodeException fails(byte[] body, boolean v2) {
    DecodeException e = assertThrows(DecodeException.class, () -> decode(decoder, body, v2));
    assertEquals(400, e.status());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  private static byte[] v1() {
    return RoundTripTest.v1Request().toByteArray();
  }

  private static byte[] v2() throws Exception {
    return RoundTripTest.v2Request(
            List.of(
                "", "__name__", "up", "job", "prom", "rpc_seconds", "help", "s", "trace_id", "abc"))
        .toByteArray();
  }

  @Test
  void knownFieldWithWrongWireType() throws Exception {
    byte[] body =
        writeBytes(
            c ->
                c.writeByteArray(
                    1,
                    writeBytes(
                        s -> {
                          s.writeMessage(1, label("__name__", "m"));
                          s.writeUInt64(2, 5);
                        })));
    assertEquals(
        "field 2 of TimeSeries has wire type 0, expected 2 (length-delimited)",
        fails(body, false).getMessage());

    byte[] sample =
        writeBytes(
            c ->
                c.writeByteArray(
                    1,
                    writeBytes(
                        s -> {
                          s.writeMessage(1, label("__name__", "m"));
                          s.writeByteArray(2, writeBytes(x -> x.writeUInt64(1, 7)));
                        })));
    assertEquals(
        "field 1 of Sample has wire type 0, expected 1 (64-bit)",
        fails(sample, false).getMessage());

    byte[] top = writeBytes(c -> c.writeFixed64(1, 1));
    assertEquals(
        "field 1 of WriteRequest has wire type 1, expected 2 (length-delimited)",
        fails(top, false).getMessage());

    byte[] v2Series = writeBytes(c -> c.writeFixed32(5, 1));
    assertEquals(
        "field 5 of Request has wire type 5, expected 2 (length-delimited)",
        fails(v2Series, true).getMessage());
  }

  @Test
  void invalidWireTypesAndFieldNumbers() {
    assertTrue(fails(new byte[] {0x0B, 0x0C}, false).getMessage().contains("invalid wire type 3"));
    assertTrue(fails(new byte[] {0x0C}, false).getMessage().contains("groups are not supported"));
    assertTrue(fails(new byte[] {0x0E, 0}, true).getMessage().contains("invalid wire type 6"));
    assertTrue(fails(new byte[] {0x0F, 0}, false).getMessage().contains("invalid wire type 7"));
    assertTrue(fails(new byte[] {0x02, 0}, false).getMessage().contains("invalid field number 0"));
  }

  @Test
  void badVarintAndLengthPastTheEnd() {
    byte[] longVarint = new byte[12];
    Arrays.fill(longVarint, (byte) 0x80);
    longVarint[0] = 0x28; // field 5 (unknown), varint
    assertTrue(fails(longVarint, false).getMessage().startsWith("malformed varint"));
    assertTrue(
        fails(new byte[] {0x0A, 0x05, 1, 2}, false)
            .getMessage()
            .startsWith(
                "truncated message: length 5 at offset 1 runs past the end of WriteRequest"));
    assertTrue(
        fails(new byte[] {0x0A, (byte) 0x80}, false)
            .getMessage()
            .startsWith("truncated message: varint"));
  }

  @Test
  void v2SymbolRefOutOfRange() throws Exception {
    byte[] body =
        Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("m")
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .addSamples(io.rwgateway.proto.writev2.Sample.newBuilder().setTimestamp(NOW)))
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(3))
            .build()
            .toByteArray();
    assertEquals(
        "symbol reference 3 in labels_refs of TimeSeries #2 is out of range: the request has 3 symbols",
        fails(body, true).getMessage());
    byte[] help =
        Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("m")
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .setMetadata(Metadata.newBuilder().setHelpRef(99)))
            .build()
            .toByteArray();
    assertTrue(fails(help, true).getMessage().contains("symbol reference 99 in metadata.help_ref"));
    byte[] noSymbols =
        Request.newBuilder()
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(0)
                    .addLabelsRefs(0))
            .build()
            .toByteArray();
    assertTrue(fails(noSymbols, true).getMessage().contains("the request has 0 symbols"));
  }

  /**
   * Cut a valid body everywhere: we fail exactly when the generated parser fails, and only with a
   * 400.
   */
  @Test
  void truncatedAtEveryCutPoint() throws Exception {
    checkCuts(v1(), false);
    checkCuts(v2(), true);
    byte[] many =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "a"))
                    .addSamples(Sample.newBuilder().setValue(1).setTimestamp(NOW)))
            .build()
            .toByteArray();
    checkCuts(many, false);
  }

  private void checkCuts(byte[] body, boolean v2) throws Exception {
    int failures = 0;
    for (int cut = 0; cut < body.length; cut++) {
      byte[] part = Arrays.copyOf(body, cut);
      boolean parserOk = parses(part, v2);
      try {
        decode(decoder, part, v2);
        assertTrue(parserOk, "cut at " + cut + ": decoded although the generated parser fails");
      } catch (DecodeException e) {
        assertEquals(400, e.status());
        assertTrue(
            !parserOk,
            "cut at " + cut + ": failed although the generated parser reads it: " + e.getMessage());
        failures++;
      }
    }
    assertTrue(failures > body.length / 2, "most cut points are inside a message");
  }

  private static boolean parses(byte[] b, boolean v2) {
    try {
      if (v2) {
        Request.parseFrom(b);
      } else {
        WriteRequest.parseFrom(b);
      }
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /**
   * Random bytes and random corruptions of valid bodies: success or a DecodeException, nothing
   * else.
   */
  @Test
  void fuzzOnlyDecodeExceptionOrSuccess() throws Exception {
    Random rnd = new Random(42);
    byte[][] seeds = {v1(), v2()};
    int ok = 0;
    int bad = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean v2 = rnd.nextBoolean();
      byte[] body;
      if (i % 3 == 0) {
        body = new byte[rnd.nextInt(200)];
        rnd.nextBytes(body);
      } else {
        body = seeds[v2 ? 1 : 0].clone();
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
          body[rnd.nextInt(body.length)] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(4) == 0) {
          body = Arrays.copyOf(body, rnd.nextInt(body.length));
        }
      }
      try {
        decode(decoder, body, v2);
        ok++;
      } catch (DecodeException e) {
        assertEquals(400, e.status());
        assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("\n"));
        bad++;
      }
    }
    assertTrue(ok > 100 && bad > 100, "both outcomes exercised: ok=" + ok + " bad=" + bad);
  }
}
