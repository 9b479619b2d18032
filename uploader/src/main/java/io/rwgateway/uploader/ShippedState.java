package io.rwgateway.uploader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The shipper's record of what it uploaded: {@code <tenantDir>/thanos.shipper.json}, in the format
 * of Thanos' shipper ({@code pkg/shipper}), so a tenant directory can be handed over between Thanos
 * and the gateway in either direction.
 *
 * <p>Layout (UTF-8, tab-indented as Go's {@code json.Encoder} with {@code SetIndent("", "\t")}, one
 * ULID per line, oldest block first, newline at the end):
 *
 * <pre>
 * {
 * 	"version": 1,
 * 	"uploaded": [
 * 		"01JDFK6C00QX2V4Y6Z8A0B1C2D"
 * 	]
 * }
 * </pre>
 *
 * NOTE: with nothing uploaded Thanos writes {@code "uploaded": null} (a nil Go slice); we write
 * {@code []}, which Thanos reads the same way, and we accept both.
 *
 * <p>The file is a cache: the bucket is the truth (a block is shipped when its {@code meta.json} is
 * there). That is why {@link #read} reports what went wrong instead of throwing: the shipper
 * rebuilds the list from the bucket and keeps going.
 */
public final class ShippedState {
  public static final String FILENAME = "thanos.shipper.json";
  public static final int VERSION = 1;
  private static final String TMP_SUFFIX = ".tmp";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShippedState() {}

  /** What reading the state file found. */
  public enum Status {
    /** Read and valid. */
    OK,
    /** No file: normal on a tenant's first start. */
    MISSING,
    /** Could not be read: permission denied, a directory in its place, an I/O error. */
    UNREADABLE,
    /** Read, but not valid: bad JSON, wrong version, an entry that is not a ULID. */
    CORRUPT
  }

  /**
   * The outcome of {@link #read}.
   *
   * @param status what was found
   * @param uploaded the ULIDs listed (empty unless {@link Status#OK}), in file order
   * @param file the state file's path
   * @param error what went wrong, null for OK and MISSING
   * @param permissionDenied true when the file exists but the OS refused to open it: the classic
   *     "written by another user" case, which has a one-line fix
   */
  public record Read(
      Status status,
      List<String> uploaded,
      Path file,
      IOException error,
      boolean permissionDenied) {
    public Read {
      uploaded = List.copyOf(uploaded);
    }
  }

  /** The state file of a tenant directory. */
  public static Path file(Path tenantDir) {
    return tenantDir.resolve(FILENAME);
  }

  /** Reads the state file of {@code tenantDir}; never throws, the outcome says what was found. */
  public static Read read(Path tenantDir) {
    return readFile(file(tenantDir));
  }

  /**
   * Reads a state file by its path (the sidecar's may have another name, Thanos' {@code
   * --shipper.meta-file-name}); never throws.
   */
  public static Read readFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Read(Status.MISSING, List.of(), file, null, false);
    } catch (AccessDeniedException e) {
      return new Read(Status.UNREADABLE, List.of(), file, e, true);
    } catch (IOException e) {
      return new Read(Status.UNREADABLE, List.of(), file, e, false);
    }
    try {
      return new Read(Status.OK, parse(bytes, file), file, null, false);
    } catch (IOException e) {
      return new Read(Status.CORRUPT, List.of(), file, e, false);
    }
  }

  /** Parses the file's content; an {@link IOException} naming the file says why it is not valid. */
  static List<String> parse(byte[] bytes, Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + ": not a JSON object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.asLong() != VERSION) {
      throw new IOException(file + ": unexpected version " + version + ", expected " + VERSION);
    }
    JsonNode uploaded = root.get("uploaded");
    List<String> out = new ArrayList<>();
    if (uploaded == null || uploaded.isNull()) {
      return out;
    }
    if (!uploaded.isArray()) {
      throw new IOException(file + ": \"uploaded\" is not an array");
    }
    for (JsonNode n : uploaded) {
      if (!n.isTextual() || !Ulid.isValid(n.asText())) {
        throw new IOException(file + ": \"uploaded\" holds " + n + ", not a ULID");
      }
      out.add(n.asText());
    }
    return out;
  }

  /** The file's bytes for these ULIDs, in the given order. */
  static byte[] format(Collection<String> uploaded) {
    StringBuilder sb = new StringBuilder(64 + uploaded.size() * 32);
    sb.append("{\n\t\"version\": ").append(VERSION).append(",\n\t\"uploaded\": ");
    if (uploaded.isEmpty()) {
      sb.append("[]");
    } else {
      sb.append('[');
      String sep = "\n";
      for (String id : uploaded) {
        // ULIDs are Crockford base32: nothing to escape.
        sb.append(sep).append("\t\t\"").append(id).append('"');
        sep = ",\n";
      }
      sb.append("\n\t]");
    }
    return sb.append("\n}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Replaces the state file of {@code tenantDir} atomically: a temporary file is written and
   * fsynced, renamed over the state file, and the directory is fsynced so the rename survives a
   * power loss. A reader sees the old file or the new one, never a mix.
   *
   * @throws IOException when any step fails (the old file, if any, is left as it was)
   */
  public static void write(Path tenantDir, Collection<String> uploaded) throws IOException {
    writeFile(file(tenantDir), uploaded);
  }

  /** {@link #write} to a state file given by its path; its directory must exist. */
  public static void writeFile(Path file, Collection<String> uploaded) throws IOException {
    Path tmp = tmpFile(file);
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(format(uploaded));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // NOTE: the write's own error (if any) is the one worth reporting; a stale .tmp is
        // truncated by the next write.
      }
    }
    BlockFiles.syncDir(file.toAbsolutePath().getParent());
  }

  /** Where {@link #writeFile} writes before the rename: {@code <file>.tmp}, as Thanos does. */
  static Path tmpFile(Path file) {
    return file.resolveSibling(file.getFileName() + TMP_SUFFIX);
  }
}
