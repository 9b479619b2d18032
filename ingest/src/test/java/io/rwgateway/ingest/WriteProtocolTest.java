package io.rwgateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class WriteProtocolTest {
  static HttpHeaders ct(String contentType) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (contentType != null) {
      h.set("Content-Type", contentType);
    }
    return h;
  }

  @Test
  void negotiatesFromContentType() {
    assertEquals(WriteProtocol.V1, WriteProtocol.of(ct(null)));
    assertEquals(WriteProtocol.V1, WriteProtocol.of(ct("application/x-protobuf")));
    assertEquals(
        WriteProtocol.V1,
        WriteProtocol.of(ct("application/x-protobuf;proto=prometheus.WriteRequest")));
    assertEquals(
        WriteProtocol.V2,
        WriteProtocol.of(ct("application/x-protobuf;proto=io.prometheus.write.v2.Request")));
    assertEquals(
        WriteProtocol.V2,
        WriteProtocol.of(ct("Application/X-Protobuf; proto=\"io.prometheus.write.v2.Request\"")));
    assertNull(WriteProtocol.of(ct("application/x-protobuf;proto=io.prometheus.write.v3.Request")));
    assertNull(WriteProtocol.of(ct("application/json")));
    assertNull(WriteProtocol.of(ct("text/plain; proto=prometheus.WriteRequest")));
  }

  @Test
  void onlySnappyEncoding() {
    HttpHeaders h = new DefaultHttpHeaders();
    assertTrue(WriteProtocol.encodingSupported(h));
    h.set("Content-Encoding", "snappy");
    assertTrue(WriteProtocol.encodingSupported(h));
    h.set("Content-Encoding", "SNAPPY");
    assertTrue(WriteProtocol.encodingSupported(h));
    h.set("Content-Encoding", "gzip");
    assertFalse(WriteProtocol.encodingSupported(h));
    h.set("Content-Encoding", "zstd");
    assertFalse(WriteProtocol.encodingSupported(h));
  }
}
