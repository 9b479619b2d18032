package io.rwgateway.queryapi.store;

import static io.rwgateway.queryapi.store.ProtoBytes.lenFieldSize;
import static io.rwgateway.queryapi.store.ProtoBytes.putLenHeader;
import static io.rwgateway.queryapi.store.ProtoBytes.putVarintField;
import static io.rwgateway.queryapi.store.ProtoBytes.varintFieldSize;

import io.rwgateway.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one series at a time as {@code thanos.SeriesResponse} frames, field for field what
 * protobuf would write for {@code SeriesResponse{series: Series{labels, chunks:
 * [AggrChunk{min_time, max_time, raw: Chunk{type, data}}]}}} (field numbers:
 * docs/format/storeapi.md; zero scalars left out as proto3 does; {@code hash} is not computed). A
 * series whose chunks pass the frame budget is split over several frames with the same labels, as
 * Thanos splits long series.
 *
 * <p>The series' labels are encoded once, for all of its frames.
 */
final class SeriesFrames {
  // SeriesResponse.series, Series.labels, Series.chunks, Label.name/value.
  private static final int RESPONSE_SERIES = 1;
  private static final int RESPONSE_WARNING = 2;
  private static final int SERIES_LABELS = 1;
  private static final int SERIES_CHUNKS = 2;
  private static final int LABEL_NAME = 1;
  private static final int LABEL_VALUE = 2;
  // AggrChunk.min_time/max_time/raw, Chunk.type/data.
  private static final int AGGR_MIN_TIME = 1;
  private static final int AGGR_MAX_TIME = 2;
  private static final int AGGR_RAW = 3;
  private static final int CHUNK_TYPE = 1;
  private static final int CHUNK_DATA = 2;

  private final int maxFrameBytes;
  private byte[] labelSection = new byte[512];
  private int labelBytes;
  private byte[] labels; // the current series' label section, once a frame needs it
  private OutSeries series;
  private int nextChunk;
  private int lastChunks;

  /**
   * @param maxFrameBytes about the largest frame: a frame takes chunks while they fit
   */
  SeriesFrames(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Starts writing {@code s}: its labels are encoded now. */
  void start(OutSeries s) {
    series = s;
    nextChunk = 0;
    labelBytes = encodeLabels(s.labels);
    labels = null;
  }

  /** True while the current series has chunks not yet written into a frame. */
  boolean hasMoreChunks() {
    return series != null && nextChunk < series.chunkCount();
  }

  /** Chunks in the frame {@link #next} returned last. */
  int lastChunkCount() {
    return lastChunks;
  }

  /**
   * The next frame of the current series: its labels and the chunks that follow the last frame's,
   * at least one (if any are left), more while the frame stays within the budget. The frame refers
   * to the series' chunk bytes; they are copied when gRPC drains the frame into its buffers.
   */
  SeriesFrame next() {
    OutSeries s = series;
    int budget = maxFrameBytes - labelBytes;
    int used = 0;
    int end = nextChunk;
    while (end < s.chunkCount()) {
      int size = lenFieldSize(aggrSize(s, end));
      if (end > nextChunk && used + size > budget) {
        break;
      }
      used += size;
      end++;
    }
    if (labels == null) {
      labels = Arrays.copyOf(labelSection, labelBytes); // shared by the series' frames
    }
    SeriesFrame f = new SeriesFrame(labels, s, nextChunk, end, labelBytes + used);
    lastChunks = end - nextChunk;
    nextChunk = end;
    return f;
  }

  /**
   * Writes frame {@code f}'s bytes to {@code out}: the response and series headers, the labels,
   * then each chunk's headers and bytes.
   */
  static void write(SeriesFrame f, Sink out) {
    byte[] h = new byte[64];
    if (f.isWarning()) {
      out.write(h, 0, putLenHeader(h, 0, RESPONSE_WARNING, f.seriesSize));
      out.write(f.labels, 0, f.labels.length);
      return;
    }
    out.write(h, 0, putLenHeader(h, 0, RESPONSE_SERIES, f.seriesSize));
    out.write(f.labels, 0, f.labels.length);
    OutSeries s = f.series;
    for (int i = f.from; i < f.to; i++) {
      int p = putLenHeader(h, 0, SERIES_CHUNKS, aggrSize(s, i));
      p = putVarintField(h, p, AGGR_MIN_TIME, s.minTime(i));
      p = putVarintField(h, p, AGGR_MAX_TIME, s.maxTime(i));
      p = putLenHeader(h, p, AGGR_RAW, rawSize(s, i));
      p = putVarintField(h, p, CHUNK_TYPE, s.type(i));
      p = putLenHeader(h, p, CHUNK_DATA, s.length(i));
      out.write(h, 0, p);
      out.write(s.data(), s.offset(i), s.length(i));
    }
  }

  /** Where {@link #write} puts bytes. */
  interface Sink {
    void write(byte[] b, int off, int len);
  }

  /** Bytes of a frame whose {@code Series} message has {@code seriesSize} bytes. */
  static int frameSize(int seriesSize) {
    return lenFieldSize(seriesSize);
  }

  private static int rawSize(OutSeries s, int i) {
    return varintFieldSize(s.type(i)) + lenFieldSize(s.length(i));
  }

  private static int aggrSize(OutSeries s, int i) {
    return varintFieldSize(s.minTime(i))
        + varintFieldSize(s.maxTime(i))
        + lenFieldSize(rawSize(s, i));
  }

  /** Writes the repeated {@code labels} field into the scratch section; returns its length. */
  private int encodeLabels(Labels labels) {
    int p = 0;
    for (int i = 0; i < labels.size(); i++) {
      // String.getBytes is vectorized for the usual ASCII string (one check, one copy); an
      // unpaired surrogate becomes '?', as protobuf writes it.
      byte[] name = labels.name(i).getBytes(StandardCharsets.UTF_8);
      byte[] value = labels.value(i).getBytes(StandardCharsets.UTF_8);
      // proto3 leaves an empty string out; a label never has an empty name, and an empty value
      // does not occur in a stored series, but both are handled.
      int labelSize =
          (name.length == 0 ? 0 : lenFieldSize(name.length))
              + (value.length == 0 ? 0 : lenFieldSize(value.length));
      int need = p + lenFieldSize(labelSize);
      if (need > labelSection.length) {
        labelSection = Arrays.copyOf(labelSection, Math.max(need, labelSection.length * 2));
      }
      byte[] b = labelSection;
      p = putLenHeader(b, p, SERIES_LABELS, labelSize);
      if (name.length != 0) {
        p = putLenHeader(b, p, LABEL_NAME, name.length);
        System.arraycopy(name, 0, b, p, name.length);
        p += name.length;
      }
      if (value.length != 0) {
        p = putLenHeader(b, p, LABEL_VALUE, value.length);
        System.arraycopy(value, 0, b, p, value.length);
        p += value.length;
      }
    }
    return p;
  }
}
