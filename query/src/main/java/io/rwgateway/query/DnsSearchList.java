package io.rwgateway.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code search} domains and {@code ndots} of a resolv.conf, and the fully qualified names a
 * name is tried as, in the order Go's resolver tries them ({@code net/dnsconfig_unix.go}, {@code
 * nameList}; Thanos' miekgdns resolver builds the same list). Thanos Query resolves {@code dnssrv+}
 * names that way, so a short Service name works in a pod.
 *
 * <p>Every name this class hands out is rooted (ends in '.'), so that the DNS client does not
 * qualify it again.
 *
 * @param search the search domains, rooted, in order
 * @param ndots names with at least this many dots are tried as they are first
 */
public record DnsSearchList(List<String> search, int ndots) {
  /** Where the system's resolver reads its configuration. */
  public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  /** resolv.conf's default ndots. */
  static final int DEFAULT_NDOTS = 1;

  /** The largest ndots honoured (glibc's and Go's cap). */
  static final int MAX_NDOTS = 15;

  /** The longest name, rooted, that a lookup is made for (RFC 1035: 255 octets on the wire). */
  private static final int MAX_NAME = 254;

  public DnsSearchList {
    search = List.copyOf(search);
  }

  /** No search domains, ndots 1: every name is tried as it is only. */
  public static DnsSearchList none() {
    return new DnsSearchList(List.of(), DEFAULT_NDOTS);
  }

  /**
   * The search list of a resolv.conf file; {@link #none()} when it cannot be read.
   *
   * <p>NOTE: unlike Go (no search list given: the host name's domain), a file without {@code
   * search} or {@code domain} gives no search domains; a pod's resolv.conf always has them.
   */
  public static DnsSearchList read(Path resolvConf) {
    try {
      return parse(Files.readAllLines(resolvConf, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return none();
    }
  }

  /**
   * Parses resolv.conf lines: {@code search} and {@code domain} (whichever comes last wins, as in
   * glibc and Go), {@code options ndots:N} (capped at 15; a value that is not a number is 0, as Go
   * reads it). Lines starting with '#' or ';' are comments; other keywords are ignored.
   */
  static DnsSearchList parse(List<String> lines) {
    List<String> search = List.of();
    int ndots = DEFAULT_NDOTS;
    for (String line : lines) {
      if (line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      switch (f[0]) {
        case "domain" -> {
          if (f.length > 1) {
            String d = rooted(f[1]);
            search = d.equals(".") ? List.of() : List.of(d);
          }
        }
        case "search" -> {
          List<String> s = new ArrayList<>();
          for (int i = 1; i < f.length; i++) {
            String d = rooted(f[i]);
            if (!d.equals(".")) {
              s.add(d);
            }
          }
          search = s;
        }
        case "options" -> {
          for (int i = 1; i < f.length; i++) {
            if (f[i].startsWith("ndots:")) {
              ndots = ndots(f[i].substring("ndots:".length()));
            }
          }
        }
        default -> {
          // nameserver, sortlist, unknown keywords: not ours
        }
      }
    }
    return new DnsSearchList(search, ndots);
  }

  /** The leading digits of an ndots value, 0 when there are none, at most 15. */
  private static int ndots(String v) {
    int n = 0;
    for (int i = 0; i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9'; i++) {
      n = Math.min(MAX_NDOTS, n * 10 + (v.charAt(i) - '0'));
    }
    return n;
  }

  private static String rooted(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  /**
   * The rooted names to try for {@code name}, in order: a name ending in '.' as it is only; a name
   * with at least {@code ndots} dots as it is, then with each search domain; any other name with
   * each search domain, then as it is. Candidates longer than a DNS name can be are left out.
   */
  public List<String> candidates(String name) {
    if (name.isEmpty()) {
      return List.of();
    }
    if (name.endsWith(".")) {
      return name.length() > MAX_NAME ? List.of() : List.of(name);
    }
    String asIs = name + ".";
    if (asIs.length() > MAX_NAME) {
      return List.of();
    }
    boolean enoughDots = name.chars().filter(c -> c == '.').count() >= ndots;
    List<String> out = new ArrayList<>(search.size() + 1);
    if (enoughDots) {
      out.add(asIs);
    }
    for (String suffix : search) {
      String fqdn = asIs + suffix;
      if (fqdn.length() <= MAX_NAME) {
        out.add(fqdn);
      }
    }
    if (!enoughDots) {
      out.add(asIs);
    }
    return out;
  }
}
