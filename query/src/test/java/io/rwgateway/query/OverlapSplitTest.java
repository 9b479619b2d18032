package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.rwgateway.tsdb.ChunkEncoding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlapSplitTest {
  private static RemoteChunk c(long min, long max) {
    return new RemoteChunk(ChunkEncoding.XOR, min, max, ByteString.EMPTY);
  }

  @Test
  void chunksGoToTheFirstRunTheyDoNotOverlap() {
    RemoteChunk a1 = c(0, 100);
    RemoteChunk b1 = c(50, 150);
    RemoteChunk a2 = c(101, 200);
    RemoteChunk c1 = c(120, 130);
    RemoteChunk b2 = c(151, 300);
    List<List<RemoteChunk>> out = new ArrayList<>();
    out.add(List.of(c(-10, -5))); // runs of an earlier endpoint are left alone
    OverlapSplit.split(List.of(a1, b1, a2, c1, b2), out);
    assertEquals(List.of(List.of(c(-10, -5)), List.of(a1, a2), List.of(b1, b2), List.of(c1)), out);
  }

  @Test
  void touchingChunksOverlapAndDisjointOnesStayOneRun() {
    List<List<RemoteChunk>> out = new ArrayList<>();
    OverlapSplit.split(List.of(c(0, 10), c(10, 20)), out);
    assertEquals(2, out.size(), "a chunk starting at the previous one's last sample overlaps it");
    out.clear();
    OverlapSplit.split(List.of(c(0, 10), c(11, 20), c(21, 30)), out);
    assertEquals(1, out.size());
  }
}
