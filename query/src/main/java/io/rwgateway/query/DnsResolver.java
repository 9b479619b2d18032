package io.rwgateway.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Turns {@code dns+} and {@code dnssrv+} specs into addresses: A/AAAA through the JDK's resolver,
 * SRV through JNDI's DNS provider ({@code com.sun.jndi.dns}, module {@code jdk.naming.dns}), which
 * reads the system's name servers.
 *
 * <p>NOTE: the JNDI provider does not apply resolv.conf's search domains, which Thanos Query's Go
 * resolvers do: {@code dnssrv+_grpc._tcp.receive-default} in a pod means the Service of the pod's
 * namespace. So SRV names are expanded here ({@link DnsSearchList}) and each candidate is asked as
 * a rooted name. A and AAAA lookups go through the system resolver, which applies them itself.
 */
public class DnsResolver {
  private static final String JNDI_FACTORY = "com.sun.jndi.dns.DnsContextFactory";

  private final DnsSearchList searchList;

  /**
   * A resolver with the search list of {@code /etc/resolv.conf}, read once here (a pod's
   * resolv.conf is written when the pod is created and does not change).
   */
  public DnsResolver() {
    this(DnsSearchList.read(DnsSearchList.RESOLV_CONF));
  }

  /** A resolver that expands SRV names with the given search list. */
  public DnsResolver(DnsSearchList searchList) {
    this.searchList = searchList;
  }

  /** Whether SRV lookups can be made here (the JNDI DNS provider is in the runtime). */
  public static boolean srvAvailable() {
    try {
      Class.forName(JNDI_FACTORY);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The addresses of one resolved spec, host:port each, in the order the resolver gave them.
   *
   * @throws UnknownHostException when the name does not resolve (or has no SRV records)
   */
  public List<String> resolve(EndpointSpec spec) throws UnknownHostException {
    List<String> out = new ArrayList<>();
    switch (spec.kind()) {
      case STATIC -> out.add(EndpointSpec.address(spec.host(), spec.port()));
      case DNS -> {
        for (InetAddress a : lookupHost(spec.host())) {
          out.add(EndpointSpec.address(a.getHostAddress(), spec.port()));
        }
      }
      case DNS_SRV, DNS_SRV_NO_A -> {
        for (String[] target : lookupSrv(spec.host())) {
          int port = Integer.parseInt(target[1]);
          if (spec.kind() == EndpointSpec.Kind.DNS_SRV_NO_A) {
            out.add(EndpointSpec.address(target[0], port));
            continue;
          }
          for (InetAddress a : lookupHost(target[0])) {
            out.add(EndpointSpec.address(a.getHostAddress(), port));
          }
        }
      }
    }
    return out;
  }

  /** A and AAAA records of a host (or the literal address). */
  protected InetAddress[] lookupHost(String host) throws UnknownHostException {
    return InetAddress.getAllByName(host);
  }

  /**
   * SRV records of a name: {target host, port} each. The name is tried as each of its {@link
   * DnsSearchList#candidates candidates} in turn, as Thanos' resolvers do; the first that has SRV
   * records wins. A candidate that does not exist or has none moves on to the next, and so does one
   * whose lookup fails (a timeout, a server failure): a later one may still answer.
   *
   * @throws UnknownHostException when no candidate has SRV records; the message names the
   *     candidates tried and the first failure, if any
   */
  protected List<String[]> lookupSrv(String name) throws UnknownHostException {
    List<String> candidates = searchList.candidates(name);
    NamingException firstError = null;
    for (String fqdn : candidates) {
      try {
        List<String[]> records = querySrv(fqdn);
        if (!records.isEmpty()) {
          return records;
        }
      } catch (NamingException e) {
        if (firstError == null) {
          firstError = e;
        }
      }
    }
    StringBuilder msg =
        new StringBuilder("no SRV records for ")
            .append(name)
            .append(" (tried ")
            .append(
                candidates.isEmpty() ? "nothing: not a DNS name" : String.join(", ", candidates))
            .append(')');
    if (firstError != null) {
      msg.append("; first error: ").append(firstError);
    }
    UnknownHostException u = new UnknownHostException(msg.toString());
    if (firstError != null) {
      u.initCause(firstError);
    }
    throw u;
  }

  /**
   * One SRV query through JNDI's DNS provider: {target host, port} each.
   *
   * @param fqdn a rooted name (ending in '.'): the provider applies no search domains
   * @return the records; empty when the name does not exist or has no SRV records
   * @throws NamingException when the lookup fails otherwise (timeout, server failure)
   */
  protected List<String[]> querySrv(String fqdn) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put("java.naming.factory.initial", JNDI_FACTORY);
    env.put("java.naming.provider.url", "dns:");
    DirContext ctx = new InitialDirContext(env);
    try {
      Attribute srv = ctx.getAttributes(fqdn, new String[] {"SRV"}).get("SRV");
      List<String[]> out = new ArrayList<>();
      if (srv == null) {
        return out;
      }
      NamingEnumeration<?> values = srv.getAll();
      while (values.hasMore()) {
        // "priority weight port target."
        String[] f = values.next().toString().trim().split("\\s+");
        if (f.length != 4) {
          continue;
        }
        String target = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
        out.add(new String[] {target.toLowerCase(Locale.ROOT), f[2]});
      }
      return out;
    } catch (NameNotFoundException e) {
      // NXDOMAIN: the next candidate may exist
      return List.of();
    } finally {
      try {
        ctx.close();
      } catch (NamingException e) {
        // nothing to release
      }
    }
  }
}
