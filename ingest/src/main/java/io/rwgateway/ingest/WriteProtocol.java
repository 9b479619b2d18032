package io.rwgateway.ingest;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Which remote-write message a request carries, negotiated from its Content-Type as the 1.0 and 2.0
 * specs define it.
 */
public enum WriteProtocol {
  V1("prometheus.WriteRequest"),
  V2("io.prometheus.write.v2.Request");

  public final String protoName;

  WriteProtocol(String protoName) {
    this.protoName = protoName;
  }

  /**
   * The protocol of a request, or null when the content type is not one we accept (answer 415).
   * NOTE: a missing Content-Type, or plain application/x-protobuf, means 1.0: early 1.0 senders set
   * nothing more, and the 2.0 spec keeps that default.
   */
  public static WriteProtocol of(HttpHeaders headers) {
    String ct = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (ct == null || ct.isBlank()) {
      return V1;
    }
    String[] parts = ct.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/x-protobuf")) {
      return null;
    }
    String proto = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("proto")) {
        proto = p.substring(eq + 1).trim();
        if (proto.length() >= 2 && proto.startsWith("\"") && proto.endsWith("\"")) {
          proto = proto.substring(1, proto.length() - 1);
        }
      }
    }
    if (proto == null || proto.equals(V1.protoName)) {
      return V1;
    }
    if (proto.equals(V2.protoName)) {
      return V2;
    }
    return null;
  }

  /** True when the Content-Encoding is one we decode (snappy; absent is taken as snappy). */
  public static boolean encodingSupported(HttpHeaders headers) {
    String enc = headers.get(HttpHeaderNames.CONTENT_ENCODING);
    return enc == null || enc.isBlank() || enc.trim().equalsIgnoreCase("snappy");
  }
}
