package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockTombstonesTest {
  @TempDir Path dir;

  @Test
  void emptyFileIsMagicVersionAndZeroCrc() throws IOException {
    byte[] expected = {0x01, 0x30, (byte) 0xba, 0x30, 0x01, 0, 0, 0, 0};
    assertArrayEquals(expected, Tombstones.empty());
    assertArrayEquals(expected, Tombstones.encode(List.of()));
    Tombstones.writeEmpty(dir);
    assertArrayEquals(expected, Files.readAllBytes(dir.resolve("tombstones")));
  }

  @Test
  void oneStone() {
    // ref 5 (uvarint 05), mint -1 (zig-zag 1), maxt 100 (zig-zag 200 = c8 01); CRC-32C of those
    // four bytes from an independent bitwise implementation: 0x20ea3eb4.
    byte[] expected = {
      0x01,
      0x30,
      (byte) 0xba,
      0x30,
      0x01,
      0x05,
      0x01,
      (byte) 0xc8,
      0x01,
      0x20,
      (byte) 0xea,
      0x3e,
      (byte) 0xb4
    };
    assertArrayEquals(expected, Tombstones.encode(List.of(new Tombstones.Stone(5, -1, 100))));
  }
}
