package io.rwgateway.hashring;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A parsed Thanos hashring file: a list of hashrings, in file order, each naming the tenants it
 * serves and its endpoints. The format, defaults and rules are in {@code docs/hashring.md}.
 *
 * <p>Order matters: a tenant is served by the first hashring whose {@code tenants} match it, and a
 * hashring without tenants matches everyone (so it belongs last). Parsing is strict where Thanos'
 * Go decoder is lenient: unknown keys, a missing or empty {@code endpoints}, an unknown {@code
 * algorithm} or {@code tenant_matcher_type}, a malformed glob and a repeated endpoint are errors
 * here, because each of them silently changes placement in Thanos.
 */
public final class HashringConfig {

  /** How series are spread over a hashring's endpoints. */
  public enum Algorithm {
    /** {@code hash % n}: even, but adding a node moves almost every series. */
    HASHMOD("hashmod"),
    /** Consistent hashing with {@link KetamaHashring#SECTIONS_PER_NODE} sections per node. */
    KETAMA("ketama");

    /**
     * The default of Thanos' {@code --receive.hashrings-algorithm} flag, used for hashrings that
     * name no algorithm. It is {@code hashmod} (for historical reasons, Thanos' docs say), although
     * Thanos recommends {@code ketama} for new installations.
     */
    public static final Algorithm THANOS_FLAG_DEFAULT = HASHMOD;

    private final String jsonName;

    Algorithm(String jsonName) {
      this.jsonName = jsonName;
    }

    /** The spelling in the file and on the command line. */
    public String jsonName() {
      return jsonName;
    }

    /** The algorithm spelled {@code name}, or null. */
    public static Algorithm fromName(String name) {
      for (Algorithm a : values()) {
        if (a.jsonName.equals(name)) {
          return a;
        }
      }
      return null;
    }
  }

  /** How the strings in {@code tenants} are compared with a request's tenant. */
  public enum TenantMatcherType {
    /** Equal strings; the default. */
    EXACT("exact"),
    /** Go {@code filepath.Match} globs (see {@link GoGlob}). */
    GLOB("glob");

    private final String jsonName;

    TenantMatcherType(String jsonName) {
      this.jsonName = jsonName;
    }

    public String jsonName() {
      return jsonName;
    }

    public static TenantMatcherType fromName(String name) {
      for (TenantMatcherType t : values()) {
        if (t.jsonName.equals(name)) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * One entry of the file.
   *
   * @param name {@code hashring}; {@code ""} when absent
   * @param tenants {@code tenants}; empty means this hashring serves every tenant
   * @param tenantMatcherType {@code tenant_matcher_type}; {@link TenantMatcherType#EXACT} when
   *     absent
   * @param endpoints {@code endpoints} in file order (at least one, no address twice)
   * @param algorithm {@code algorithm}, or null when absent (the command-line default applies)
   * @param externalLabels {@code external_labels}, sorted by name; empty when absent
   */
  public record Ring(
      String name,
      List<String> tenants,
      TenantMatcherType tenantMatcherType,
      List<Endpoint> endpoints,
      Algorithm algorithm,
      Map<String, String> externalLabels) {
    public Ring {
      Objects.requireNonNull(name, "name");
      tenants = List.copyOf(tenants);
      Objects.requireNonNull(tenantMatcherType, "tenantMatcherType");
      endpoints = List.copyOf(endpoints);
      externalLabels = Collections.unmodifiableMap(new TreeMap<>(externalLabels));
    }

    /** Whether this hashring serves every tenant (it lists none). */
    public boolean catchAll() {
      return tenants.isEmpty();
    }

    /** The algorithm in effect: this entry's own, else {@code flagDefault}. */
    public Algorithm algorithmOr(Algorithm flagDefault) {
      return algorithm != null ? algorithm : Objects.requireNonNull(flagDefault, "flagDefault");
    }
  }

  private final List<Ring> hashrings;
  private final List<String> warnings;

  HashringConfig(List<Ring> hashrings, List<String> warnings) {
    this.hashrings = List.copyOf(hashrings);
    this.warnings = List.copyOf(warnings);
  }

  /** Parses a hashring file's bytes (UTF-8 JSON). */
  public static HashringConfig parse(byte[] json) throws HashringConfigException {
    return HashringConfigParser.parse(json);
  }

  /** Parses inline content, as given to {@code --receive.hashrings}. */
  public static HashringConfig parse(String json) throws HashringConfigException {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The hashrings in file order (never empty). */
  public List<Ring> hashrings() {
    return hashrings;
  }

  /**
   * Things that are allowed but almost certainly mistakes (a hashring no tenant can reach, a tenant
   * listed twice, a tenant name no request can carry), for the log.
   */
  public List<String> warnings() {
    return warnings;
  }
}
