package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedStateTest {
  private static final String A = "01JDFK6C00QX2V4Y6Z8A0B1C2D";
  private static final String B = "01JDFK6C00QX2V4Y6Z8A0B1C2E";

  @TempDir Path dir;

  @Test
  void writesThanosLayoutWithTabsAndReadsItBack() throws IOException {
    ShippedState.write(dir, List.of(A, B));
    assertEquals(
        "{\n\t\"version\": 1,\n\t\"uploaded\": [\n\t\t\"" + A + "\",\n\t\t\"" + B + "\"\n\t]\n}\n",
        Files.readString(dir.resolve("thanos.shipper.json")));
    ShippedState.Read r = ShippedState.read(dir);
    assertEquals(ShippedState.Status.OK, r.status());
    assertEquals(List.of(A, B), r.uploaded());
    assertNull(r.error());
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of(dir.resolve("thanos.shipper.json")), files.toList(), "no temporary file left");
    }
  }

  @Test
  void emptyListIsWrittenAsEmptyArrayAndNullIsReadAsEmpty() throws IOException {
    ShippedState.write(dir, List.of());
    assertEquals(
        "{\n\t\"version\": 1,\n\t\"uploaded\": []\n}\n",
        Files.readString(dir.resolve(ShippedState.FILENAME)));
    // Thanos writes a nil slice as null when nothing is uploaded.
    Files.writeString(
        dir.resolve(ShippedState.FILENAME), "{\n\t\"version\": 1,\n\t\"uploaded\": null\n}\n");
    ShippedState.Read r = ShippedState.read(dir);
    assertEquals(ShippedState.Status.OK, r.status());
    assertEquals(List.of(), r.uploaded());
  }

  @Test
  void readsCompactJsonAsGoWritesWithoutIndent() throws IOException {
    Files.writeString(
        dir.resolve(ShippedState.FILENAME), "{\"version\":1,\"uploaded\":[\"" + A + "\"]}");
    assertEquals(List.of(A), ShippedState.read(dir).uploaded());
  }

  @Test
  void missingFileIsMissingNotAnError() {
    ShippedState.Read r = ShippedState.read(dir);
    assertEquals(ShippedState.Status.MISSING, r.status());
    assertNull(r.error());
  }

  @Test
  void badJsonWrongVersionAndNonUlidsAreCorrupt() throws IOException {
    for (String content :
        List.of(
            "{\"version\":1,\"uploaded\":[\"" + A + "\"",
            "",
            "[]",
            "{\"uploaded\":[]}",
            "{\"version\":2,\"uploaded\":[]}",
            "{\"version\":\"1\",\"uploaded\":[]}",
            "{\"version\":1,\"uploaded\":[\"not-a-ulid\"]}",
            "{\"version\":1,\"uploaded\":{}}")) {
      Files.writeString(dir.resolve(ShippedState.FILENAME), content);
      ShippedState.Read r = ShippedState.read(dir);
      assertEquals(ShippedState.Status.CORRUPT, r.status(), content);
      assertTrue(r.error().getMessage().contains(ShippedState.FILENAME), r.error().getMessage());
      assertEquals(List.of(), r.uploaded());
    }
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsUnreadable() throws IOException {
    Files.createDirectory(dir.resolve(ShippedState.FILENAME));
    ShippedState.Read r = ShippedState.read(dir);
    assertEquals(ShippedState.Status.UNREADABLE, r.status());
    assertFalse(r.permissionDenied());
  }

  @Test
  void aFileWeMayNotReadIsUnreadableWithPermissionDenied() throws IOException {
    assumeTrue(
        permissionsApply(dir),
        "running with a user that reads any file (root): chmod 000 cannot be tested");
    ShippedState.write(dir, List.of(A));
    Path file = dir.resolve(ShippedState.FILENAME);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    ShippedState.Read r = ShippedState.read(dir);
    assertEquals(ShippedState.Status.UNREADABLE, r.status());
    assertTrue(r.permissionDenied());
  }

  @Test
  void aFailedWriteLeavesTheOldFile() throws IOException {
    ShippedState.write(dir, List.of(A));
    // A non-empty directory where the temporary file goes: the write cannot even start.
    Path tmp = Files.createDirectory(dir.resolve(ShippedState.FILENAME + ".tmp"));
    Files.writeString(tmp.resolve("x"), "x");
    assertThrows(IOException.class, () -> ShippedState.write(dir, List.of(A, B)));
    assertEquals(List.of(A), ShippedState.read(dir).uploaded());
  }

  @Test
  void writingOverADirectoryFailsAndLeavesIt() throws IOException {
    Path file = Files.createDirectory(dir.resolve(ShippedState.FILENAME));
    assertThrows(IOException.class, () -> ShippedState.write(dir, List.of(A)));
    assertTrue(Files.isDirectory(file));
    assertFalse(
        Files.exists(dir.resolve(ShippedState.FILENAME + ".tmp")), "temporary file cleaned up");
  }

  /**
   * Whether file permissions stop this process: writes a file, takes its read permission away and
   * tries to read it. Root reads it anyway.
   */
  static boolean permissionsApply(Path dir) throws IOException {
    Path probe = Files.writeString(dir.resolve("permission-probe"), "x");
    Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("---------"));
    try {
      Files.readString(probe);
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-------"));
      Files.delete(probe);
    }
  }
}
