package io.rwgateway.perf;

import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.block.ChunkMeta;
import io.rwgateway.tsdb.block.ChunkReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Chunk statistics of TSDB blocks by encoding, read with the tsdb module's block reader: for the
 * blocks given (a block directory, or a directory whose subdirectories with a {@code meta.json} are
 * blocks), per encoding (1 XOR, 2 histogram, 3 float histogram) the series, chunks, samples (each
 * chunk's 2-byte sample count) and chunk bytes (the chunk data: sample count, header and bit
 * stream; a chunk costs its segment file 5-6 bytes more: length varint, encoding byte, CRC32C),
 * then bytes per sample and samples per chunk, and how many chunks hold fewer than 120 samples.
 *
 * <p>Prints one line per encoding and a last JSON line for the histogram encodings (2 and 3
 * together). {@code java -cp perf/target/benchmarks.jar io.rwgateway.perf.BlockHistogramStats
 * [--name LABEL] DIR...}
 */
public final class BlockHistogramStats {
  private BlockHistogramStats() {}

  /** Totals of one encoding. */
  static final class Totals {
    long series;
    long chunks;
    long samples;
    long bytes;
    long fileBytes;
    long partial;
    int minSamples = Integer.MAX_VALUE;
    int maxSamples;

    void add(Totals o) {
      series += o.series;
      chunks += o.chunks;
      samples += o.samples;
      bytes += o.bytes;
      fileBytes += o.fileBytes;
      partial += o.partial;
      minSamples = Math.min(minSamples, o.minSamples);
      maxSamples = Math.max(maxSamples, o.maxSamples);
    }

    String json(String name) {
      return String.format(
          Locale.ROOT,
          "{\"name\":\"%s\",\"series\":%d,\"chunks\":%d,\"samples\":%d,\"chunk_bytes\":%d,"
              + "\"file_bytes\":%d,\"bytes_per_sample\":%.3f,\"file_bytes_per_sample\":%.3f,"
              + "\"samples_per_chunk\":%.2f,\"chunks_under_120\":%d,\"min_samples\":%d,"
              + "\"max_samples\":%d}",
          name,
          series,
          chunks,
          samples,
          bytes,
          fileBytes,
          samples == 0 ? 0 : (double) bytes / samples,
          samples == 0 ? 0 : (double) fileBytes / samples,
          chunks == 0 ? 0 : (double) samples / chunks,
          partial,
          chunks == 0 ? 0 : minSamples,
          maxSamples);
    }
  }

  public static void main(String[] args) throws IOException {
    String name = "blocks";
    List<Path> blocks = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--name")) {
        name = args[++i];
        continue;
      }
      Path p = Path.of(args[i]);
      if (Files.exists(p.resolve("meta.json"))) {
        blocks.add(p);
      } else {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(d -> Files.exists(d.resolve("meta.json"))).sorted().forEach(blocks::add);
        }
      }
    }
    if (blocks.isEmpty()) {
      System.err.println("BlockHistogramStats: no block in " + String.join(" ", args));
      System.exit(1);
    }
    Totals[] byEncoding = new Totals[4];
    for (int e = 1; e < 4; e++) {
      byEncoding[e] = new Totals();
    }
    for (Path dir : blocks) {
      try (Block b = Block.open(dir)) {
        ChunkReader cr = b.chunks();
        for (long ref : b.index().seriesRefs()) {
          boolean[] seen = new boolean[4];
          for (ChunkMeta m : b.index().seriesChunks(ref)) {
            int enc = cr.encoding(m.ref());
            if (enc < 1 || enc > 3) {
              throw new IOException(dir + ": chunk " + m.ref() + " has encoding " + enc);
            }
            ByteBuffer data = cr.chunkData(m.ref());
            int n = Short.toUnsignedInt(data.getShort(0));
            int len = data.remaining();
            Totals t = byEncoding[enc];
            if (!seen[enc]) {
              seen[enc] = true;
              t.series++;
            }
            t.chunks++;
            t.samples += n;
            t.bytes += len;
            t.fileBytes += varintSize(len) + 1 + len + 4;
            t.partial += n < 120 ? 1 : 0;
            t.minSamples = Math.min(t.minSamples, n);
            t.maxSamples = Math.max(t.maxSamples, n);
          }
        }
      }
    }
    String[] names = {"", "xor", "histogram", "float_histogram"};
    for (int e = 1; e < 4; e++) {
      System.out.println(name + " " + names[e] + " " + byEncoding[e].json(name));
    }
    Totals hist = new Totals();
    hist.add(byEncoding[2]);
    hist.add(byEncoding[3]);
    System.out.println(hist.json(name));
  }

  private static int varintSize(long v) {
    int n = 1;
    while (v >= 0x80) {
      v >>>= 7;
      n++;
    }
    return n;
  }
}
