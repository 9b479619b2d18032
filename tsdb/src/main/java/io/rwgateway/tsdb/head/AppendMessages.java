package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.tsdb.WriteBatch;
import java.util.function.Supplier;

/**
 * One-line rejection messages for {@link WriteBatch#reject}. A message supplier is created only
 * when the batch has no conflict message yet (the batch keeps the first one only), so a request
 * with thousands of rejected samples allocates one supplier, not thousands.
 */
final class AppendMessages {
  /** For rejections whose message would never be read. */
  static final Supplier<String> NONE = () -> "";

  Supplier<String> tooOld(WriteBatch batch, int series, String what, long t, long minValid) {
    if (batch.firstConflict != null) {
      return NONE;
    }
    String labels = labels(batch, series);
    return () ->
        "too old "
            + what
            + " for "
            + labels
            + ": timestamp "
            + t
            + " is before the tenant's append window, which starts at "
            + minValid;
  }

  Supplier<String> outOfOrder(WriteBatch batch, int series, String what, long t, long latest) {
    if (batch.firstConflict != null) {
      return NONE;
    }
    String labels = labels(batch, series);
    return () ->
        "out of order "
            + what
            + " for "
            + labels
            + ": timestamp "
            + t
            + " is before the series' latest "
            + latest;
  }

  Supplier<String> duplicate(WriteBatch batch, int series, String what, long t) {
    if (batch.firstConflict != null) {
      return NONE;
    }
    String labels = labels(batch, series);
    return () ->
        "duplicate "
            + what
            + " for "
            + labels
            + ": timestamp "
            + t
            + " already has a different value";
  }

  /** A float where the series' latest histogram is, or the other way round. */
  Supplier<String> otherKind(WriteBatch batch, int series, String what, long t, String other) {
    if (batch.firstConflict != null) {
      return NONE;
    }
    String labels = labels(batch, series);
    return () ->
        "duplicate "
            + what
            + " for "
            + labels
            + ": timestamp "
            + t
            + " already has a "
            + other
            + " (a series holds one sample per timestamp)";
  }

  private static String labels(WriteBatch batch, int i) {
    return LabelBytes.decode(batch.bytes, batch.seriesLabelsOff[i], batch.seriesLabelsLen[i])
        .toString();
  }
}
