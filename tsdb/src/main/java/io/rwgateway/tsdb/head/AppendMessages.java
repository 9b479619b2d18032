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
    return message(
        batch,
        series,
        "too old",
        what,
        t,
        "is before the tenant's append window, which starts at ",
        true,
        minValid);
  }

  Supplier<String> outOfOrder(WriteBatch batch, int series, String what, long t, long latest) {
    return message(
        batch, series, "out of order", what, t, "is before the series' latest ", true, latest);
  }

  Supplier<String> duplicate(WriteBatch batch, int series, String what, long t) {
    return message(batch, series, "duplicate", what, t, "already has a different value", false, 0);
  }

  /** A float where the series' latest histogram is ({@code histogram} true), or the reverse. */
  Supplier<String> otherKind(WriteBatch batch, int series, boolean histogram, long t) {
    return histogram
        ? message(batch, series, "duplicate", "sample", t, AT_HISTOGRAM, false, 0)
        : message(batch, series, "duplicate", "histogram", t, AT_FLOAT, false, 0);
  }

  private static final String AT_HISTOGRAM =
      "already has a histogram (a series holds one sample per timestamp)";
  private static final String AT_FLOAT =
      "already has a float sample (a series holds one sample per timestamp)";

  /**
   * "{@code <kind> <what> for <labels>: timestamp <t> <tail><number>}", built only when read; none
   * at all (NONE) once the batch has its first message. Primitives only: a rejected request may
   * call this for thousands of samples.
   */
  private static Supplier<String> message(
      WriteBatch batch,
      int series,
      String kind,
      String what,
      long t,
      String tail,
      boolean hasNumber,
      long number) {
    if (batch.firstConflict != null) {
      return NONE;
    }
    String labels = labels(batch, series);
    return () ->
        kind
            + " "
            + what
            + " for "
            + labels
            + ": timestamp "
            + t
            + " "
            + tail
            + (hasNumber ? Long.toString(number) : "");
  }

  private static String labels(WriteBatch batch, int i) {
    return LabelBytes.decode(batch.bytes, batch.seriesLabelsOff[i], batch.seriesLabelsLen[i])
        .toString();
  }
}
