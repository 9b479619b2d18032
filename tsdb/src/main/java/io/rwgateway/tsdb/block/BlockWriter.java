package io.rwgateway.tsdb.block;

import io.rwgateway.model.CrashPoints;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.BlockSeries;
import io.rwgateway.tsdb.layout.BlockSeriesSource;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Prometheus block from series that are already cut to its time range, atomically:
 * everything goes into {@code <tenantDir>/<ULID>.tmp-for-creation/}, is fsynced, and only then is
 * renamed to {@code <tenantDir>/<ULID>/} (sequence and crash reasoning: docs/format/meta-json.md).
 */
public final class BlockWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BlockWriter.class);

  private BlockWriter() {}

  /**
   * Writes a level-1 block and returns its final directory.
   *
   * @param tenantDir directory that holds the tenant's blocks (created if missing)
   * @param minTime start of the block range, inclusive (ms)
   * @param maxTimeExclusive end of the block range, exclusive (ms)
   * @param series at least one series, sorted by {@link LabelOrder#LABELS} without duplicates, each
   *     with at least one chunk; chunks in time order, not overlapping, all samples inside
   *     [minTime, maxTimeExclusive)
   * @param externalLabels the gateway's external labels for the thanos section
   * @param tenantId the tenant, written as the {@value BlockLayout#TENANT_LABEL} label
   * @throws IllegalArgumentException when the series break the rules above (nothing is written)
   */
  public static Path write(
      Path tenantDir,
      long minTime,
      long maxTimeExclusive,
      List<BlockSeries> series,
      Labels externalLabels,
      String tenantId)
      throws IOException {
    return write(
        tenantDir,
        minTime,
        maxTimeExclusive,
        series,
        externalLabels,
        BlockLayout.TENANT_LABEL,
        tenantId,
        Ulid.next());
  }

  /**
   * The same from a {@link BlockSeriesSource}, streaming: one series' chunks in memory at a time.
   * Returns null, leaving nothing behind, when the source has no series.
   */
  public static Path write(
      Path tenantDir,
      long minTime,
      long maxTimeExclusive,
      BlockSeriesSource series,
      Labels externalLabels,
      String tenantId)
      throws IOException {
    return write(
        tenantDir,
        minTime,
        maxTimeExclusive,
        series,
        externalLabels,
        BlockLayout.TENANT_LABEL,
        tenantId);
  }

  /**
   * The same, naming the tenant with {@code tenantLabel} in {@code thanos.labels} (Thanos' {@code
   * --receive.tenant-label-name}).
   */
  public static Path write(
      Path tenantDir,
      long minTime,
      long maxTimeExclusive,
      BlockSeriesSource series,
      Labels externalLabels,
      String tenantLabel,
      String tenantId)
      throws IOException {
    return write(
        tenantDir,
        minTime,
        maxTimeExclusive,
        series,
        externalLabels,
        tenantLabel,
        tenantId,
        Ulid.next());
  }

  static Path write(
      Path tenantDir,
      long minTime,
      long maxTimeExclusive,
      List<BlockSeries> series,
      Labels externalLabels,
      String tenantLabel,
      String tenantId,
      String ulid)
      throws IOException {
    // A list can be checked whole before anything touches the disk.
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no series: an empty range gets no block");
    }
    if (minTime >= maxTimeExclusive) {
      throw new IllegalArgumentException(
          "empty block range [" + minTime + ", " + maxTimeExclusive + ")");
    }
    Labels prev = null;
    for (BlockSeries s : series) {
      validate(minTime, maxTimeExclusive, prev, s);
      prev = s.labels();
    }
    return write(
        tenantDir,
        minTime,
        maxTimeExclusive,
        new ListSource(series),
        externalLabels,
        tenantLabel,
        tenantId,
        ulid);
  }

  static Path write(
      Path tenantDir,
      long minTime,
      long maxTimeExclusive,
      BlockSeriesSource series,
      Labels externalLabels,
      String tenantLabel,
      String tenantId,
      String ulid)
      throws IOException {
    if (minTime >= maxTimeExclusive) {
      throw new IllegalArgumentException(
          "empty block range [" + minTime + ", " + maxTimeExclusive + ")");
    }
    long start = System.nanoTime();
    Files.createDirectories(tenantDir);
    Path tmp = tenantDir.resolve(ulid + BlockLayout.TMP_SUFFIX);
    Path dst = tenantDir.resolve(ulid);
    try {
      Files.createDirectory(tmp);
      BlockMeta meta =
          writeFiles(
              tmp, ulid, minTime, maxTimeExclusive, series, externalLabels, tenantLabel, tenantId);
      if (meta == null) {
        BlockFiles.deleteRecursively(tmp);
        return null;
      }
      BlockFiles.syncDir(tmp);
      CrashPoints.reached("block-before-rename");
      Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
      BlockFiles.syncDir(tenantDir);
      LOG.info(
          "wrote block: ulid={} dir={} min_time={} max_time={} series={} samples={} chunks={} duration_ms={}",
          ulid,
          dst,
          minTime,
          maxTimeExclusive,
          meta.numSeries(),
          meta.numSamples(),
          meta.numChunks(),
          (System.nanoTime() - start) / 1_000_000);
      return dst;
    } catch (IOException | RuntimeException e) {
      try {
        BlockFiles.deleteRecursively(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Writes chunks, index, tombstones and meta.json into {@code dir}; null when there was no series.
   */
  private static BlockMeta writeFiles(
      Path dir,
      String ulid,
      long minTime,
      long maxTime,
      BlockSeriesSource source,
      Labels externalLabels,
      String tenantLabel,
      String tenantId)
      throws IOException {
    long samples = 0;
    long chunkCount = 0;
    long seriesCount = 0;
    List<Path> segments;
    Path index = dir.resolve(BlockLayout.INDEX_FILE);
    // NOTE: chunks and index are written side by side: each series' chunks first (the index entry
    // needs their references), then its index entry, so only one series is held at a time.
    try (ChunkWriter chunks = new ChunkWriter(dir.resolve(BlockLayout.CHUNKS_DIR));
        IndexWriter w = new IndexWriter(index)) {
      w.addSymbols(source.symbols());
      Labels prev = null;
      for (BlockSeries s = source.next(); s != null; s = source.next()) {
        validate(minTime, maxTime, prev, s);
        prev = s.labels();
        List<ChunkMeta> m = new ArrayList<>(s.chunks().size());
        for (int i = 0; i < s.chunks().size(); i++) {
          m.add(
              new ChunkMeta(
                  chunks.write(s.encodings()[i], s.chunks().get(i)),
                  s.chunkMinTimes()[i],
                  s.chunkMaxTimes()[i]));
        }
        w.addSeries(s.labels(), m);
        samples += s.sampleCount();
        chunkCount += m.size();
        seriesCount++;
      }
      if (seriesCount == 0) {
        return null;
      }
      CrashPoints.reached("block-chunks-written");
      segments = new ArrayList<>(chunks.segments());
    }
    BlockFiles.syncFile(index);
    Tombstones.writeEmpty(dir);

    List<String> segmentNames = new ArrayList<>();
    List<BlockMeta.FileEntry> files = new ArrayList<>();
    for (Path seg : segments) {
      segmentNames.add(seg.getFileName().toString());
      files.add(
          new BlockMeta.FileEntry(
              BlockLayout.CHUNKS_DIR + "/" + seg.getFileName(), Files.size(seg)));
    }
    files.add(new BlockMeta.FileEntry(BlockLayout.INDEX_FILE, Files.size(index)));
    files.add(new BlockMeta.FileEntry(BlockMeta.FILENAME, -1));
    BlockMeta meta =
        new BlockMeta(
            ulid,
            minTime,
            maxTime,
            samples,
            seriesCount,
            chunkCount,
            1,
            List.of(ulid),
            BlockLayout.thanosLabels(externalLabels, tenantLabel, tenantId),
            BlockMeta.SOURCE_RECEIVE,
            0,
            segmentNames,
            files);
    // meta.json last: a reader that finds it may assume the rest is there.
    BlockFiles.writeSynced(
        dir.resolve(BlockMeta.FILENAME), meta.toJson().getBytes(StandardCharsets.UTF_8));
    return meta;
  }

  /** A list as a source (tests, small blocks). */
  private static final class ListSource implements BlockSeriesSource {
    private final List<BlockSeries> series;
    private int next;

    ListSource(List<BlockSeries> series) {
      this.series = series;
    }

    @Override
    public SortedSet<String> symbols() {
      TreeSet<String> symbols = new TreeSet<>(LabelOrder.UTF8);
      for (BlockSeries s : series) {
        s.labels()
            .forEach(
                (n, v) -> {
                  symbols.add(n);
                  symbols.add(v);
                });
      }
      return symbols;
    }

    @Override
    public BlockSeries next() {
      return next < series.size() ? series.get(next++) : null;
    }
  }

  /** External labels plus the tenant label, which wins over an external label of that name. */
  private static void validate(long minTime, long maxTime, Labels prev, BlockSeries s) {
    if (prev != null && LabelOrder.compareLabels(prev, s.labels()) >= 0) {
      throw new IllegalArgumentException(
          "series not sorted or duplicated: " + s.labels() + " after " + prev);
    }
    if (s.labels().size() == 0) {
      throw new IllegalArgumentException("series without labels");
    }
    if (s.chunks().isEmpty()) {
      throw new IllegalArgumentException("series without chunks: " + s.labels());
    }
    long last = Long.MIN_VALUE;
    for (int i = 0; i < s.chunks().size(); i++) {
      int enc = s.encodings()[i];
      if (enc != ChunkEncoding.XOR
          && enc != ChunkEncoding.HISTOGRAM
          && enc != ChunkEncoding.FLOAT_HISTOGRAM) {
        throw new IllegalArgumentException(
            "chunk " + i + " of " + s.labels() + " has encoding " + ChunkEncoding.name(enc));
      }
      long lo = s.chunkMinTimes()[i];
      long hi = s.chunkMaxTimes()[i];
      if (lo > hi || lo < minTime || hi >= maxTime || (i > 0 && lo <= last)) {
        throw new IllegalArgumentException(
            "chunk "
                + i
                + " of "
                + s.labels()
                + " covers ["
                + lo
                + ", "
                + hi
                + "], outside the block ["
                + minTime
                + ", "
                + maxTime
                + ") or overlapping the previous chunk");
      }
      last = hi;
    }
  }

  /**
   * Deletes the {@code *.tmp-for-creation} directories a crash left in {@code tenantDir}. Call it
   * when the tenant is opened, before its first block is cut. Returns how many were removed.
   */
  public static int removeLeftovers(Path tenantDir) throws IOException {
    if (!Files.isDirectory(tenantDir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(tenantDir, "*" + BlockLayout.TMP_SUFFIX)) {
      for (Path d : dirs) {
        LOG.warn("removing unfinished block directory left by a crash: dir={}", d);
        BlockFiles.deleteRecursively(d);
        removed++;
      }
    }
    return removed;
  }
}
