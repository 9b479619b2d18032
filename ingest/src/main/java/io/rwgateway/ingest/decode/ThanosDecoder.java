package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.WireReader.LEN;
import static io.rwgateway.ingest.decode.WireReader.VARINT;

import io.rwgateway.model.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Thanos receiver forwarding: {@code thanos.WriteRequest} (proto/src/main/proto/thanos/, and
 * docs/format/forwarding.md). Its series are {@code prometheus_copy.TimeSeries}, whose field
 * numbers are those of remote write 1.0, so each one is read by {@link V1Decoder#timeSeries}.
 *
 * <p>NOTE: field 3 is {@code int64 replica} here but repeated {@code MetricMetadata} in {@code
 * prometheus.WriteRequest}; that is the one reason this is not just the 1.0 decoder.
 */
final class ThanosDecoder {
  private static final String REQUEST = "thanos.WriteRequest";

  /** UTF-8 bytes a valid tenant id can take (it is ASCII, so one per character). */
  private static final int MAX_TENANT_BYTES = TenantId.MAX_LENGTH;

  private final WireReader r;
  private final V1Decoder series;

  private final byte[] tenant = new byte[MAX_TENANT_BYTES];
  private int tenantLen;
  private long replica;

  // The last tenant string made, reused while senders keep sending the same tenant.
  private byte[] lastTenantBytes = new byte[0];
  private String lastTenant = "";

  ThanosDecoder(WireReader r, V1Decoder series) {
    this.r = r;
    this.series = series;
  }

  void decode() throws DecodeException {
    tenantLen = 0;
    replica = 0;
    while (r.more()) {
      int tag = r.readTag(REQUEST);
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1 -> {
          WireReader.expect(field, REQUEST, wt, LEN);
          int end = r.readEnd(REQUEST);
          series.timeSeries(end);
          r.pos = end;
        }
        case 2 -> {
          WireReader.expect(field, REQUEST, wt, LEN);
          int len = r.readLength(REQUEST);
          if (len > MAX_TENANT_BYTES) {
            throw DecodeException.badRequest(
                "tenant of "
                    + REQUEST
                    + " is "
                    + len
                    + " bytes long; a tenant id has at most "
                    + TenantId.MAX_LENGTH
                    + " characters");
          }
          r.buf.get(r.pos, tenant, 0, len);
          tenantLen = len;
          r.pos += len;
          if (!Utf8.isValid(tenant, 0, len)) {
            throw DecodeException.badRequest("tenant of " + REQUEST + " is not valid UTF-8");
          }
        }
        case 3 -> {
          WireReader.expect(field, REQUEST, wt, VARINT);
          replica = r.readVarint(REQUEST);
        }
        default -> r.skip(wt, REQUEST);
      }
    }
  }

  /** The tenant field of the last request, "" when it was absent or empty. */
  String tenant() {
    if (!Arrays.equals(tenant, 0, tenantLen, lastTenantBytes, 0, lastTenantBytes.length)) {
      lastTenantBytes = Arrays.copyOf(tenant, tenantLen);
      lastTenant = new String(lastTenantBytes, StandardCharsets.UTF_8);
    }
    return lastTenant;
  }

  /**
   * The replica field of the last request: 0 when not replicated, else the 1-based replica number.
   */
  long replica() {
    return replica;
  }
}
