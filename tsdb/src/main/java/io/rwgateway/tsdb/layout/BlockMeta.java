package io.rwgateway.tsdb.layout;

import io.rwgateway.model.LabelOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A block's {@code meta.json}: Prometheus' block metadata plus the {@code thanos} section (layout
 * and field meanings: docs/format/meta-json.md). {@link #toJson} writes it by hand, in the key
 * order and escaping of Go's {@code encoding/json} with tab indentation, so the file is what Thanos
 * itself would write for the same content.
 *
 * @param ulid the block's ULID (also its directory name)
 * @param minTime first millisecond of the block's range, inclusive
 * @param maxTime end of the block's range, exclusive
 * @param numSamples samples in all chunks
 * @param numSeries series in the index
 * @param numChunks chunks in all segment files
 * @param level compaction level, 1 for a block cut from the head
 * @param sources ULIDs of the level-1 blocks the data came from
 * @param labels Thanos external labels (with {@code tenant_id}); written sorted by key
 * @param source Thanos source type, {@code "receive"} for us
 * @param resolution Thanos downsample resolution in ms, 0 for raw data
 * @param segmentFiles names of the files in {@code chunks/}, sorted
 * @param files block files sorted by relative path; see {@link FileEntry}
 */
public record BlockMeta(
    String ulid,
    long minTime,
    long maxTime,
    long numSamples,
    long numSeries,
    long numChunks,
    int level,
    List<String> sources,
    Map<String, String> labels,
    String source,
    long resolution,
    List<String> segmentFiles,
    List<FileEntry> files) {
  public static final String FILENAME = "meta.json";
  public static final int VERSION = 1;
  public static final int THANOS_VERSION = 1;
  public static final String SOURCE_RECEIVE = "receive";

  /** One file of the block; {@code sizeBytes < 0} leaves the size out (used for meta.json). */
  public record FileEntry(String relPath, long sizeBytes) {}

  public BlockMeta {
    sources = List.copyOf(sources);
    labels = Map.copyOf(labels);
    segmentFiles = List.copyOf(segmentFiles);
    files = List.copyOf(files);
  }

  /**
   * Reads {@code <blockDir>/meta.json}: ours, Prometheus' (no {@code thanos} section) or Thanos'
   * (extra keys are ignored). Missing optional parts become empty: no stats = 0 counts, no
   * compaction = level 0 and no sources, no thanos section = no labels, source "", resolution 0, no
   * segment files and no files; a file entry without {@code size_bytes} gets -1.
   *
   * @throws IOException naming the file when it cannot be read or parsed, lacks {@code ulid},
   *     {@code minTime} or {@code maxTime}, has a {@code version} other than {@value #VERSION}, or
   *     has a known key of the wrong type
   */
  public static BlockMeta read(Path blockDir) throws IOException {
    return MetaJsonReader.read(blockDir.resolve(FILENAME));
  }

  /** The JSON text, newline-terminated, as written to {@code meta.json}. */
  public String toJson() {
    Json j = new Json();
    j.open('{');
    j.key("ulid").string(ulid);
    j.key("minTime").number(minTime);
    j.key("maxTime").number(maxTime);
    j.key("stats").open('{');
    j.key("numSamples").number(numSamples);
    j.key("numSeries").number(numSeries);
    j.key("numChunks").number(numChunks);
    j.close('}');
    j.key("compaction").open('{');
    j.key("level").number(level);
    if (!sources.isEmpty()) {
      j.key("sources").open('[');
      for (String s : sources) {
        j.item().string(s);
      }
      j.close(']');
    }
    j.close('}');
    j.key("version").number(VERSION);
    j.key("thanos").open('{');
    j.key("version").number(THANOS_VERSION);
    j.key("labels").open('{');
    // NOTE: Go sorts map keys by bytes; TreeMap's UTF-16 order differs only past U+FFFF.
    TreeMap<String, String> sorted = new TreeMap<>(LabelOrder.UTF8);
    sorted.putAll(labels);
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      j.key(e.getKey()).string(e.getValue());
    }
    j.close('}');
    j.key("downsample").open('{');
    j.key("resolution").number(resolution);
    j.close('}');
    j.key("source").string(source);
    if (!segmentFiles.isEmpty()) {
      j.key("segment_files").open('[');
      for (String s : segmentFiles) {
        j.item().string(s);
      }
      j.close(']');
    }
    if (!files.isEmpty()) {
      j.key("files").open('[');
      for (FileEntry f : files) {
        j.item().open('{');
        j.key("rel_path").string(f.relPath());
        if (f.sizeBytes() >= 0) {
          j.key("size_bytes").number(f.sizeBytes());
        }
        j.close('}');
      }
      j.close(']');
    }
    j.close('}');
    j.close('}');
    return j.finish();
  }

  /**
   * A tiny pretty-printer with Go's {@code MarshalIndent(v, "", "\t")} layout: one member per line,
   * a tab per level, empty objects and arrays as {@code {}} and {@code []}.
   */
  private static final class Json {
    private final StringBuilder sb = new StringBuilder(1024);
    private int depth;

    /** Whether the innermost open object/array already has a member. */
    private long nonEmpty;

    Json open(char c) {
      sb.append(c);
      depth++;
      nonEmpty &= ~(1L << depth);
      return this;
    }

    void close(char c) {
      boolean had = (nonEmpty & (1L << depth)) != 0;
      depth--;
      if (had) {
        newline();
      }
      sb.append(c);
    }

    /** Starts an object member and writes its key. */
    Json key(String k) {
      item();
      string(k);
      sb.append(": ");
      return this;
    }

    /** Starts an array element or object member: comma, newline and indentation. */
    Json item() {
      if ((nonEmpty & (1L << depth)) != 0) {
        sb.append(',');
      }
      nonEmpty |= 1L << depth;
      newline();
      return this;
    }

    Json number(long v) {
      sb.append(v);
      return this;
    }

    Json string(String s) {
      JsonStrings.quote(sb, s);
      return this;
    }

    private void newline() {
      sb.append('\n');
      for (int i = 0; i < depth; i++) {
        sb.append('\t');
      }
    }

    String finish() {
      return sb.append('\n').toString();
    }
  }
}
