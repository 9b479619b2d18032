package io.rwgateway.query;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an {@link EndpointSet}'s addresses come from: specs given once (Thanos' {@code --endpoint},
 * the endpoint config file) and file SD files ({@code --store.sd-files}), whose targets may be
 * specs too. {@code dns+} and {@code dnssrv+} specs are resolved again every DNS interval; a lookup
 * that fails keeps the spec's last addresses. Not thread-safe: the set asks from its poller only.
 */
public final class EndpointDiscovery {
  private static final Logger log = LoggerFactory.getLogger(EndpointDiscovery.class);

  private final List<EndpointSpec> fixed;
  private final EndpointConfigFile configFile;
  private final FileSd files;
  private final DnsResolver resolver;
  private final long dnsIntervalMillis;
  private final Map<String, Resolved> resolved = new HashMap<>();

  private final AtomicLong lookups = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private record Resolved(List<String> addresses, long at) {}

  /**
   * @param fixed specs that are always there; a plain host:port among them is static (never dropped
   *     from the set)
   * @param sdFiles file SD files (globs allowed in the file name)
   * @param sdInterval how often the files are read again even when they look unchanged
   * @param dnsInterval how often DNS specs are resolved again
   */
  public EndpointDiscovery(
      List<EndpointSpec> fixed,
      List<Path> sdFiles,
      Duration sdInterval,
      Duration dnsInterval,
      DnsResolver resolver) {
    this(fixed, null, sdFiles, sdInterval, dnsInterval, resolver);
  }

  /**
   * The same with the endpoints of a reloaded endpoint config file (null: none); they count as
   * given once (a plain host:port among them is static while the file lists it).
   */
  public EndpointDiscovery(
      List<EndpointSpec> fixed,
      EndpointConfigFile configFile,
      List<Path> sdFiles,
      Duration sdInterval,
      Duration dnsInterval,
      DnsResolver resolver) {
    this.fixed = List.copyOf(fixed);
    this.configFile = configFile;
    this.files = sdFiles.isEmpty() ? null : new FileSd(sdFiles, sdInterval.toMillis());
    this.resolver = resolver;
    this.dnsIntervalMillis = dnsInterval.toMillis();
  }

  /** Only these host:port addresses, all static. */
  public static EndpointDiscovery fixed(List<String> addresses) {
    List<EndpointSpec> specs = new ArrayList<>();
    for (String a : addresses) {
      specs.add(EndpointSpec.parse(a));
    }
    return new EndpointDiscovery(
        specs, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(30), new DnsResolver());
  }

  /**
   * Every address wanted now, in a stable order (specs first, then the files'), each mapped to
   * whether it is static: given as a plain host:port outside the files.
   */
  public synchronized Map<String, Boolean> addresses(long now) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    List<String> live = new ArrayList<>();
    List<EndpointSpec> given = new ArrayList<>(fixed);
    if (configFile != null) {
      given.addAll(configFile.specs(now));
    }
    for (EndpointSpec s : given) {
      live.add(s.text());
      addAll(out, s, now, !s.resolved());
    }
    if (files != null) {
      for (String target : files.targets(now)) {
        EndpointSpec s = EndpointSpec.parse(target);
        live.add(s.text());
        addAll(out, s, now, false);
      }
    }
    resolved.keySet().retainAll(live);
    return out;
  }

  /** DNS lookups of {@code dns+} and {@code dnssrv+} specs so far (Thanos counts them). */
  public long dnsLookups() {
    return lookups.get();
  }

  /** Those of {@link #dnsLookups} that failed (the last addresses were kept). */
  public long dnsFailures() {
    return failures.get();
  }

  private void addAll(Map<String, Boolean> out, EndpointSpec s, long now, boolean isStatic) {
    for (String a : addressesOf(s, now)) {
      out.merge(a, isStatic, Boolean::logicalOr);
    }
  }

  private List<String> addressesOf(EndpointSpec s, long now) {
    if (!s.resolved()) {
      return List.of(EndpointSpec.address(s.host(), s.port()));
    }
    Resolved last = resolved.get(s.text());
    if (last != null && now - last.at() < dnsIntervalMillis) {
      return last.addresses();
    }
    lookups.incrementAndGet();
    try {
      List<String> addrs = resolver.resolve(s);
      if (last == null || !last.addresses().equals(addrs)) {
        log.info("endpoint resolved spec={} addresses={}", s.text(), addrs);
      }
      resolved.put(s.text(), new Resolved(addrs, now));
      return addrs;
    } catch (UnknownHostException | RuntimeException e) {
      failures.incrementAndGet();
      List<String> keep = last == null ? List.of() : last.addresses();
      log.warn(
          "DNS lookup failed, keeping the last addresses spec={} addresses={} err=\"{}\"",
          s.text(),
          keep,
          e.getMessage());
      resolved.put(s.text(), new Resolved(keep, now));
      return keep;
    }
  }
}
