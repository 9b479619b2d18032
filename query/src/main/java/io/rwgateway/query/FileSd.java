package io.rwgateway.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus file service discovery as Thanos Query's {@code --store.sd-files} reads it: each file
 * is a YAML or JSON list of target groups, {@code [{"targets": ["host:port", ...], "labels":
 * {...}}]} (labels are ignored: an endpoint's labels come from its Info). A path may be a glob in
 * its file name ({@code /etc/sd/*.yml}). A file is read again when its modification time or size
 * changes, and every {@code resync} interval regardless. A file that cannot be read or parsed keeps
 * its last good targets, and the reason is logged once per change.
 */
final class FileSd {
  private static final Logger log = LoggerFactory.getLogger(FileSd.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Path> patterns;
  private final long resyncMillis;
  private final Map<Path, Seen> files = new HashMap<>();
  private long lastResync = Long.MIN_VALUE;

  /** What a file held when last read. */
  private record Seen(long modified, long size, List<String> targets, String error) {}

  FileSd(List<Path> patterns, long resyncMillis) {
    this.patterns = List.copyOf(patterns);
    this.resyncMillis = resyncMillis;
  }

  /** The targets of all files now, in file order, each once. */
  synchronized List<String> targets(long now) {
    boolean resync = lastResync == Long.MIN_VALUE || now - lastResync >= resyncMillis;
    if (resync) {
      lastResync = now;
    }
    Set<String> out = new LinkedHashSet<>();
    Set<Path> present = new LinkedHashSet<>();
    for (Path pattern : patterns) {
      present.addAll(expand(pattern));
    }
    files.keySet().retainAll(present);
    for (Path file : present) {
      out.addAll(read(file, resync).targets());
    }
    return new ArrayList<>(out);
  }

  private static List<Path> expand(Path pattern) {
    String name = pattern.getFileName() == null ? "" : pattern.getFileName().toString();
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      return List.of(pattern);
    }
    Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
      ds.forEach(found::add);
    } catch (IOException e) {
      log.warn("cannot list file SD directory pattern={} err=\"{}\"", pattern, e);
    }
    found.sort(null);
    return found;
  }

  private Seen read(Path file, boolean force) {
    Seen last = files.get(file);
    long modified;
    long size;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      modified = a.lastModifiedTime().toMillis();
      size = a.size();
    } catch (IOException e) {
      return keep(file, last, -1, -1, "cannot read: " + e);
    }
    if (!force && last != null && last.modified() == modified && last.size() == size) {
      return last;
    }
    try {
      List<String> targets = parse(Files.readString(file));
      Seen now = new Seen(modified, size, targets, null);
      if (last == null || !last.targets().equals(targets) || last.error() != null) {
        log.info("file SD targets file={} targets={}", file, targets);
      }
      files.put(file, now);
      return now;
    } catch (IOException | IllegalArgumentException e) {
      return keep(file, last, modified, size, e.getMessage());
    }
  }

  private Seen keep(Path file, Seen last, long modified, long size, String error) {
    List<String> targets = last == null ? List.of() : last.targets();
    if (last == null || !error.equals(last.error())) {
      log.warn(
          "file SD file not usable, keeping its last good targets file={} targets={} err=\"{}\"",
          file,
          targets,
          error);
    }
    Seen s = new Seen(modified, size, targets, error);
    files.put(file, s);
    return s;
  }

  /**
   * Parses one file's text.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static List<String> parse(String text) throws IOException {
    JsonNode root = YAML.readTree(text);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of(); // an empty file: no targets
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("expected a list of target groups ({targets: [...]})");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode group : root) {
      JsonNode targets = group.get("targets");
      if (!group.isObject() || targets == null || !targets.isArray()) {
        throw new IllegalArgumentException("a target group without a \"targets\" list: " + group);
      }
      for (JsonNode t : targets) {
        if (!t.isTextual() || t.asText().isBlank()) {
          throw new IllegalArgumentException("a target must be a non-empty string: " + t);
        }
        EndpointSpec.parse(t.asText()); // fail the file, not later
        out.add(t.asText().trim());
      }
    }
    return out;
  }
}
