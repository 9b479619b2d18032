package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the blocks of a tenant directory (or of a Prometheus data directory), and the files of one
 * block in the order they go to the bucket.
 *
 * <p>A block is a directory named by a ULID (so {@code *.tmp-for-creation}, {@code
 * *.tmp-for-deletion}, {@code wal}, {@code chunks_head} and the staging directory {@code thanos}
 * never are) that holds a {@code meta.json}: Prometheus and our block writer both write meta.json
 * last and rename the finished directory into place. Which of them are shipped (compaction level,
 * time) is the {@link Shipper}'s choice.
 */
final class ShipperLocalBlocks {
  private ShipperLocalBlocks() {}

  /** A shippable local block. */
  record Block(String ulid, Path dir, BlockMeta meta) {}

  /**
   * What a tenant directory holds.
   *
   * @param blocks readable blocks of every compaction level, oldest first (meta minTime, then ULID)
   * @param broken ULID directories whose meta.json exists but cannot be read, with the reason
   */
  record Scan(List<Block> blocks, Map<String, IOException> broken) {
    /** Every ULID of the scan, readable or not. */
    List<String> ulids() {
      List<String> out = new ArrayList<>(blocks.size() + broken.size());
      blocks.forEach(b -> out.add(b.ulid()));
      out.addAll(broken.keySet());
      return out;
    }
  }

  static final Comparator<Block> OLDEST_FIRST =
      Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparing(Block::ulid);

  /** Scans {@code tenantDir}; a missing directory holds no blocks. */
  static Scan scan(Path tenantDir) throws IOException {
    List<Block> blocks = new ArrayList<>();
    Map<String, IOException> broken = new TreeMap<>();
    if (!Files.isDirectory(tenantDir)) {
      return new Scan(blocks, broken);
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tenantDir)) {
      for (Path dir : entries) {
        String name = dir.getFileName().toString();
        if (!Ulid.isValid(name)
            || !Files.isDirectory(dir)
            || !Files.exists(dir.resolve(BlockMeta.FILENAME))) {
          continue;
        }
        BlockMeta meta;
        try {
          meta = BlockMeta.read(dir);
        } catch (NoSuchFileException e) {
          continue; // deleted by retention between the listing and the read
        } catch (IOException e) {
          broken.put(name, e);
          continue;
        }
        blocks.add(new Block(name, dir, meta));
      }
    }
    blocks.sort(OLDEST_FIRST);
    return new Scan(blocks, broken);
  }

  /**
   * The block's files relative to its directory, in upload order: the chunk segments (sorted),
   * {@code index}, any other file meta.json's {@code files} section lists, and {@code meta.json}
   * last, so that a reader of the bucket never takes an unfinished upload for a block. {@code
   * tombstones} is left out unless listed, as Thanos does.
   *
   * @throws ShipperBlockException when a listed file is missing or has another size than listed, or
   *     when the block has no index: the block is broken and uploading it would publish that
   */
  static List<String> uploadOrder(Block b) throws IOException {
    TreeSet<String> chunks = new TreeSet<>();
    TreeSet<String> others = new TreeSet<>();
    Path chunksDir = b.dir().resolve(BlockLayout.CHUNKS_DIR);
    if (Files.isDirectory(chunksDir)) {
      try (DirectoryStream<Path> segs = Files.newDirectoryStream(chunksDir)) {
        for (Path s : segs) {
          if (Files.isRegularFile(s)) {
            chunks.add(BlockLayout.CHUNKS_DIR + "/" + s.getFileName());
          }
        }
      }
    }
    for (String seg : b.meta().segmentFiles()) {
      chunks.add(BlockLayout.CHUNKS_DIR + "/" + seg);
    }
    for (BlockMeta.FileEntry f : b.meta().files()) {
      String rel = f.relPath();
      if (rel.equals(BlockMeta.FILENAME)) {
        continue;
      }
      if (rel.startsWith("/") || rel.contains("..") || rel.contains("\\")) {
        throw new ShipperBlockException(
            b.ulid(), "meta.json lists a file outside the block: \"" + rel + "\"");
      }
      (rel.startsWith(BlockLayout.CHUNKS_DIR + "/") ? chunks : others).add(rel);
      Path p = b.dir().resolve(rel);
      if (!Files.isRegularFile(p)) {
        throw new ShipperBlockException(
            b.ulid(), rel + " is listed in meta.json but missing from " + b.dir());
      }
      long size = Files.size(p);
      if (f.sizeBytes() >= 0 && size != f.sizeBytes()) {
        throw new ShipperBlockException(
            b.ulid(),
            rel
                + " has "
                + size
                + " bytes, meta.json lists "
                + f.sizeBytes()
                + " ("
                + b.dir()
                + ")");
      }
    }
    for (String c : chunks) {
      if (!Files.isRegularFile(b.dir().resolve(c))) {
        throw new ShipperBlockException(
            b.ulid(), c + " is listed in meta.json but missing from " + b.dir());
      }
    }
    if (chunks.isEmpty()) {
      throw new ShipperBlockException(b.ulid(), "no chunk segment in " + chunksDir);
    }
    others.remove(BlockLayout.INDEX_FILE);
    if (!Files.isRegularFile(b.dir().resolve(BlockLayout.INDEX_FILE))) {
      throw new ShipperBlockException(b.ulid(), "no index file in " + b.dir());
    }
    List<String> order = new ArrayList<>(chunks);
    order.add(BlockLayout.INDEX_FILE);
    order.addAll(others);
    order.add(BlockMeta.FILENAME);
    return order;
  }
}
