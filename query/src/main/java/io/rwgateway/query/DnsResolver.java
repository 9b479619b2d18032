package io.rwgateway.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Turns {@code dns+} and {@code dnssrv+} specs into addresses: A/AAAA through the JDK's resolver,
 * SRV through JNDI's DNS provider ({@code com.sun.jndi.dns}, module {@code jdk.naming.dns}), which
 * reads the system's name servers.
 */
public class DnsResolver {
  private static final String JNDI_FACTORY = "com.sun.jndi.dns.DnsContextFactory";

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

  /** SRV records of a name: {target host, port} each. */
  protected List<String[]> lookupSrv(String name) throws UnknownHostException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put("java.naming.factory.initial", JNDI_FACTORY);
    env.put("java.naming.provider.url", "dns:");
    DirContext ctx = null;
    try {
      ctx = new InitialDirContext(env);
      Attributes attrs = ctx.getAttributes(name, new String[] {"SRV"});
      Attribute srv = attrs.get("SRV");
      if (srv == null) {
        throw new UnknownHostException("no SRV records for " + name);
      }
      List<String[]> out = new ArrayList<>();
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
    } catch (NamingException e) {
      UnknownHostException u = new UnknownHostException("SRV lookup of " + name + ": " + e);
      u.initCause(e);
      throw u;
    } finally {
      if (ctx != null) {
        try {
          ctx.close();
        } catch (NamingException e) {
          // nothing to release
        }
      }
    }
  }
}
