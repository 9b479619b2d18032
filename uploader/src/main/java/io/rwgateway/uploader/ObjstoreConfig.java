package io.rwgateway.uploader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Thanos' objstore configuration (the file behind {@code --objstore.config-file}), typed:
 *
 * <pre>
 * type: S3            # or FILESYSTEM; case-insensitive, as in Thanos
 * config:             # the provider's keys
 *   bucket: blocks
 *   endpoint: minio:9000
 *   ...
 * prefix: cluster-a   # optional: every key goes under cluster-a/
 * </pre>
 *
 * Parsing is strict: an unknown key at any level, an unknown type, a missing {@code bucket} (S3) or
 * {@code directory} (FILESYSTEM) or a value of the wrong type is an {@link ObjstoreConfigException}
 * naming the key. Every key Thanos' S3 config has is accepted, so an existing config works
 * unchanged; the ones this gateway does not act on, when set to something other than their off
 * value, are listed by {@link #ignoredKeys()} for one warning at start-up. {@code docs/objstore.md}
 * lists them all.
 *
 * <p>Secrets may be in the text: nothing here logs it, and {@link #toString()} leaves them out.
 */
public final class ObjstoreConfig {
  /** The bucket kinds this gateway implements. */
  public enum Type {
    S3,
    FILESYSTEM
  }

  /** Provider types Thanos knows and we do not implement, to say so instead of "unknown". */
  private static final Set<String> OTHER_THANOS_TYPES =
      Set.of("GCS", "AZURE", "SWIFT", "COS", "ALIYUNOSS", "BOS", "OCI", "OBS");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Type type;
  private final String prefix;
  private final S3Config s3;
  private final Path directory;
  private final List<String> ignoredKeys;

  private ObjstoreConfig(
      Type type, String prefix, S3Config s3, Path directory, List<String> ignoredKeys) {
    this.type = type;
    this.prefix = prefix;
    this.s3 = s3;
    this.directory = directory;
    this.ignoredKeys = ignoredKeys.stream().sorted().toList();
  }

  /** A FILESYSTEM bucket in {@code directory}: the gateway's default when no config is given. */
  public static ObjstoreConfig filesystem(Path directory) {
    return new ObjstoreConfig(Type.FILESYSTEM, "", null, directory.toAbsolutePath(), List.of());
  }

  /** Reads and parses {@code file}; errors name the file. */
  public static ObjstoreConfig fromFile(Path file) throws ObjstoreConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ObjstoreConfigException("cannot read objstore config file " + file + ": " + e, e);
    }
    try {
      return parse(text);
    } catch (ObjstoreConfigException e) {
      throw new ObjstoreConfigException("objstore config file " + file + ": " + e.getMessage(), e);
    }
  }

  public static ObjstoreConfig parse(String yaml) throws ObjstoreConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new ObjstoreConfigException(
          "the objstore config is not valid YAML"
              + (loc != null
                  ? " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"
                  : "")
              + ": "
              + syntaxProblem(e),
          null);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ObjstoreConfigException("the objstore config is empty: it needs type and config");
    }
    List<String> ignored = new ArrayList<>();
    YamlSection top = YamlSection.root(root, ignored, "type", "config", "prefix");
    String typeName = top.string("type");
    if (typeName == null || typeName.isEmpty()) {
      throw new ObjstoreConfigException(
          "missing type: the objstore config needs type: S3 or type: FILESYSTEM");
    }
    String upper = typeName.toUpperCase(Locale.ROOT);
    String prefix = top.string("prefix");
    prefix = prefix == null ? "" : PrefixedBucket.trimSlashes(prefix);
    switch (upper) {
      case "S3" -> {
        S3Config s3 = S3ConfigParser.parse(top.section("config", S3ConfigParser.KEYS));
        return new ObjstoreConfig(Type.S3, prefix, s3, null, ignored);
      }
      case "FILESYSTEM" -> {
        String dir = top.section("config", "directory").string("directory");
        if (dir == null || dir.isEmpty()) {
          throw new ObjstoreConfigException(
              "missing config.directory: a FILESYSTEM objstore config needs the "
                  + "directory to keep objects in");
        }
        return new ObjstoreConfig(
            Type.FILESYSTEM, prefix, null, Path.of(dir).toAbsolutePath(), ignored);
      }
      default ->
          throw new ObjstoreConfigException(
              (OTHER_THANOS_TYPES.contains(upper)
                      ? "objstore type "
                          + typeName
                          + " is a Thanos type this gateway does not implement"
                      : "unknown objstore type \"" + typeName + "\"")
                  + "; accepted types: S3, FILESYSTEM");
    }
  }

  /**
   * What is wrong, without the quoted source line that the parsers' full messages carry: that line
   * may hold a secret key. (The cause is left out of the exception for the same reason.)
   */
  private static String syntaxProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m) {
      return (m.getContext() != null ? m.getContext() + ": " : "") + m.getProblem();
    }
    String msg = String.valueOf(e.getOriginalMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  public Type type() {
    return type;
  }

  /** The key prefix without surrounding slashes; empty for none. */
  public String prefix() {
    return prefix;
  }

  /** The S3 settings; null unless {@link #type()} is S3. */
  public S3Config s3() {
    return s3;
  }

  /** The FILESYSTEM directory (absolute); null unless {@link #type()} is FILESYSTEM. */
  public Path directory() {
    return directory;
  }

  /**
   * Keys present in the config that this gateway accepts for compatibility but does not act on, as
   * dotted paths ({@code config.trace.enable}), sorted. Keys set to their off value or to Thanos'
   * default are left out: they ask for nothing we fail to do. Log them once at WARN.
   */
  public List<String> ignoredKeys() {
    return ignoredKeys;
  }

  /**
   * Opens the bucket the config describes, wrapped in {@link PrefixedBucket} when there is a
   * prefix.
   */
  public Bucket open() throws IOException {
    Bucket b = type == Type.S3 ? new S3Bucket(s3) : new FilesystemBucket(directory);
    return PrefixedBucket.wrap(b, prefix);
  }

  @Override
  public String toString() {
    String where = type == Type.S3 ? s3.toString() : "directory=" + directory;
    return "ObjstoreConfig{type="
        + type
        + ", "
        + where
        + (prefix.isEmpty() ? "" : ", prefix=" + prefix)
        + "}";
  }
}
