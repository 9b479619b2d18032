package io.rwgateway.query;

import io.rwgateway.tsdb.ListChunkIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The chunks of one series gathered from several endpoints, in time order, a chunk that two
 * endpoints sent identically (same range, encoding and bytes) kept once. Overlapping chunks that
 * differ are all kept: telling HA replicas apart and choosing samples is deduplication's job.
 */
final class MergedChunks extends ListChunkIterator<RemoteChunk> {
  private static final Comparator<RemoteChunk> ORDER =
      Comparator.comparingLong(RemoteChunk::minTime).thenComparingLong(RemoteChunk::maxTime);

  private MergedChunks(List<RemoteChunk> chunks) {
    super(chunks);
  }

  /** A series' chunks from each endpoint that has it (each list in time order), merged. */
  static MergedChunks of(List<List<RemoteChunk>> parts) {
    List<RemoteChunk> all = new ArrayList<>();
    for (List<RemoteChunk> p : parts) {
      all.addAll(p);
    }
    all.sort(ORDER);
    if (parts.size() == 1) {
      return new MergedChunks(all);
    }
    List<RemoteChunk> out = new ArrayList<>(all.size());
    for (RemoteChunk c : all) {
      if (!seen(out, c)) {
        out.add(c);
      }
    }
    return new MergedChunks(out);
  }

  /** Whether an identical chunk is already among the kept ones with the same range (at the end). */
  private static boolean seen(List<RemoteChunk> out, RemoteChunk c) {
    for (int j = out.size() - 1; j >= 0; j--) {
      RemoteChunk o = out.get(j);
      if (o.minTime() != c.minTime() || o.maxTime() != c.maxTime()) {
        return false;
      }
      if (o.sameAs(c)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int encoding() {
    return current().encoding();
  }

  @Override
  public long minTime() {
    return current().minTime();
  }

  @Override
  public long maxTime() {
    return current().maxTime();
  }

  @Override
  public ByteBuffer bytes() {
    return current().data().asReadOnlyByteBuffer();
  }
}
