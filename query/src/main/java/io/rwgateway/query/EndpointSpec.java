package io.rwgateway.query;

/**
 * One endpoint as Thanos Query's flags and discovery files write it: {@code host:port} (used as
 * given), {@code dns+host:port} (every A/AAAA address of the host, with that port), {@code
 * dnssrv+_service._proto.name} (the SRV records' targets, resolved to addresses, with the records'
 * ports) or {@code dnssrvnoa+_service._proto.name} (the SRV targets' host names, not resolved).
 *
 * @param kind how the address is found
 * @param host host name, or the SRV name
 * @param port the port; 0 for SRV (the records carry it)
 * @param text the spec as written, for logs
 */
public record EndpointSpec(Kind kind, String host, int port, String text) {
  /** How a spec is turned into addresses. */
  public enum Kind {
    STATIC,
    DNS,
    DNS_SRV,
    DNS_SRV_NO_A
  }

  /**
   * Parses one spec.
   *
   * @throws IllegalArgumentException naming the spec when it is not one of the forms above
   */
  public static EndpointSpec parse(String s) {
    String t = s.trim();
    if (t.startsWith("dnssrv+")) {
      return srv(Kind.DNS_SRV, t, t.substring("dnssrv+".length()));
    }
    if (t.startsWith("dnssrvnoa+")) {
      return srv(Kind.DNS_SRV_NO_A, t, t.substring("dnssrvnoa+".length()));
    }
    boolean dns = t.startsWith("dns+");
    String hostPort = dns ? t.substring("dns+".length()) : t;
    if (hostPort.contains("://") || hostPort.contains("/")) {
      throw new IllegalArgumentException(
          "endpoint \"" + s + "\": expected host:port, dns+host:port or dnssrv+name, not a URL");
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("endpoint \"" + s + "\": missing port (host:port)");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint \"" + s + "\": bad port");
    }
    return new EndpointSpec(dns ? Kind.DNS : Kind.STATIC, host, port, t);
  }

  private static EndpointSpec srv(Kind kind, String text, String name) {
    if (name.isEmpty() || name.contains(":") || name.contains("/")) {
      throw new IllegalArgumentException(
          "endpoint \"" + text + "\": expected an SRV name without a port (_grpc._tcp.host)");
    }
    return new EndpointSpec(kind, name, 0, text);
  }

  /** Whether the addresses come from a DNS lookup (re-resolved over time). */
  public boolean resolved() {
    return kind != Kind.STATIC;
  }

  /** host:port as a gRPC target, IPv6 literals in brackets. */
  public static String address(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
