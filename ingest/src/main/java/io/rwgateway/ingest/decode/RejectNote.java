package io.rwgateway.ingest.decode;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The one-line message of a rejection, built only if the batch asks for it (the first rejection of
 * its kind in a request). The decoder records a code and a few numbers, allocation-free; the text
 * is put together from them and from the request bytes on demand.
 *
 * <p>NOTE: one reused instance per decoder instead of a capturing lambda per rejection, so that a
 * request full of bad series allocates nothing until a message is actually needed.
 */
final class RejectNote implements Supplier<String> {
  static final int OK = 0;
  static final int NO_LABELS = 1;
  static final int TOO_MANY_LABELS = 2;
  static final int EMPTY_NAME = 3;
  static final int NAME_TOO_LONG = 4;
  static final int VALUE_TOO_LONG = 5;
  static final int DUPLICATE_NAME = 6;
  static final int UNSORTED = 7;
  static final int UTF8_NAME = 8;
  static final int UTF8_VALUE = 9;
  static final int NO_METRIC_NAME = 10;
  static final int ODD_LABEL_REFS = 11;
  static final int FUTURE = 12;
  static final int HIST_SCHEMA = 13;
  static final int HIST_MIXED = 14;
  static final int HIST_NEG_SPANS = 15;
  static final int HIST_POS_SPANS = 16;
  static final int HIST_SPAN_OFFSET = 17;
  static final int EXEMPLAR_TOO_LONG = 18;
  static final int EXEMPLAR_EMPTY_NAME = 19;
  static final int EXEMPLAR_DUPLICATE_NAME = 20;
  static final int EXEMPLAR_UTF8 = 21;
  static final int EXEMPLAR_ODD_REFS = 22;
  static final int LABELS_TOO_BIG = 23;
  static final int HIST_TOO_BIG = 24;

  private static final int SHOWN_LABELS = 3;
  private static final int SHOWN_BYTES = 64;

  private final WireReader reader;
  private LabelStage stage;
  private long maxFutureMillis;

  int code;
  int index;
  long a;
  long b;

  RejectNote(WireReader reader) {
    this.reader = reader;
  }

  void bind(LabelStage stage, long maxFutureMillis) {
    this.stage = stage;
    this.maxFutureMillis = maxFutureMillis;
  }

  /** Records a problem; returns its code so callers can {@code return note.set(...)}. */
  int set(int code, int index, long a, long b) {
    this.code = code;
    this.index = index;
    this.a = a;
    this.b = b;
    return code;
  }

  @Override
  public String get() {
    String s = "series " + describeSeries();
    return switch (code) {
      case NO_LABELS -> "series has no labels";
      case TOO_MANY_LABELS ->
          s
              + " has "
              + a
              + " labels, over the limit of "
              + b
              + " ("
              + DecodeLimits.FLAG_MAX_LABEL_NAMES
              + ")";
      case EMPTY_NAME -> s + " has an empty label name (label #" + (index + 1) + ")";
      case NAME_TOO_LONG ->
          s
              + " has a label name of "
              + a
              + " bytes, over the limit of "
              + b
              + " ("
              + DecodeLimits.FLAG_MAX_NAME_LENGTH
              + ")";
      case VALUE_TOO_LONG ->
          s
              + " has a value of "
              + a
              + " bytes for label \""
              + name(index)
              + "\", over the limit of "
              + b
              + " ("
              + DecodeLimits.FLAG_MAX_VALUE_LENGTH
              + ")";
      case DUPLICATE_NAME -> s + " has duplicate label name \"" + name(index) + "\"";
      case UNSORTED ->
          s
              + " has labels out of order: \""
              + name(index)
              + "\" after \""
              + name(index - 1)
              + "\" (remote write requires labels sorted by name)";
      case UTF8_NAME ->
          s + " has a label name that is not valid UTF-8 (label #" + (index + 1) + ")";
      case UTF8_VALUE ->
          s + " has a value of label \"" + name(index) + "\" that is not valid UTF-8";
      case NO_METRIC_NAME -> s + " has no __name__ label (or it is empty)";
      case ODD_LABEL_REFS -> s + " has an odd number of label references (" + a + ")";
      case FUTURE ->
          s
              + " has "
              + index
              + " sample(s) too far in the future: timestamp "
              + a
              + " is more than "
              + maxFutureMillis
              + " ms after the receiver's clock ("
              + b
              + ") ("
              + DecodeLimits.FLAG_MAX_FUTURE
              + ")";
      case HIST_SCHEMA ->
          s
              + " has a native histogram with schema "
              + a
              + ", outside the valid range (-4..8, or -53 for custom buckets)";
      case LABELS_TOO_BIG ->
          s + " has " + a + " bytes of labels, over the limit of " + b + " bytes for one series";
      case HIST_TOO_BIG ->
          s + " has a native histogram of " + a + " bytes, over the limit of " + b + " bytes";
      case HIST_MIXED -> s + " has a native histogram with both integer and float counts";
      case HIST_NEG_SPANS, HIST_POS_SPANS ->
          s
              + " has a native histogram whose "
              + (code == HIST_NEG_SPANS ? "negative" : "positive")
              + " spans cover "
              + a
              + " buckets but carry "
              + b
              + " bucket counts";
      case HIST_SPAN_OFFSET ->
          s
              + " has a native histogram with a negative offset "
              + a
              + " in span #"
              + (index + 1)
              + " (only the first span may have one)";
      case EXEMPLAR_TOO_LONG ->
          s
              + " has an exemplar whose labels are "
              + (a < 0 ? "more than " + b : a)
              + " UTF-8 characters long, over Prometheus' limit of 128";
      case EXEMPLAR_EMPTY_NAME -> s + " has an exemplar with an empty label name";
      case EXEMPLAR_DUPLICATE_NAME -> s + " has an exemplar with a duplicate label name";
      case EXEMPLAR_UTF8 -> s + " has an exemplar label that is not valid UTF-8";
      case EXEMPLAR_ODD_REFS ->
          s + " has an exemplar with an odd number of label references (" + a + ")";
      default -> s + " was rejected (code " + code + ")";
    };
  }

  /** A short rendering of the series from the request bytes: the first few labels, truncated. */
  private String describeSeries() {
    if (stage == null || stage.count == 0) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{");
    int shown = Math.min(stage.staged(), SHOWN_LABELS);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(text(stage.nameOff[i], stage.nameLen[i]))
          .append("=\"")
          .append(text(stage.valOff[i], stage.valLen[i]))
          .append('"');
    }
    if (stage.count > shown) {
      sb.append(", ... ").append(stage.count - shown).append(" more");
    }
    return sb.append('}').toString();
  }

  private String name(int i) {
    return i >= 0 && i < stage.staged() ? text(stage.nameOff[i], stage.nameLen[i]) : "?";
  }

  private String text(int off, int len) {
    int n = Math.min(len, SHOWN_BYTES);
    byte[] tmp = new byte[n];
    reader.buf.get(off, tmp, 0, n);
    String s = new String(tmp, StandardCharsets.UTF_8).replace("\n", "\\n");
    return len > n ? s + "...(" + len + " bytes)" : s;
  }
}
