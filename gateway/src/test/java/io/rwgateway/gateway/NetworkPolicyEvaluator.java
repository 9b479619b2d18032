package io.rwgateway.gateway;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1IPBlock;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' NetworkPolicy semantics for incoming TCP connections, over a model of pods: what a
 * cluster with a policy-enforcing network plugin would let through. Only ingress is modelled (our
 * policies restrict nothing else).
 *
 * <ul>
 *   <li>A pod is isolated for ingress when some policy of its namespace selects it with policy type
 *       Ingress (or with no policyTypes, which implies Ingress). An isolated pod accepts a
 *       connection only when some rule of some selecting policy admits both its source and its
 *       port; policies add up, none subtracts.
 *   <li>A rule without {@code from} admits every source; without {@code ports}, every port.
 *   <li>A peer with only {@code podSelector} means pods of the policy's own namespace; with only
 *       {@code namespaceSelector}, every pod of the matching namespaces; with both, the pods
 *       matching both. Addresses outside the cluster's pods match neither.
 *   <li>A peer {@code ipBlock} matches by address. Kubernetes leaves open whether a pod's own
 *       address matches an ipBlock (plugins differ); this model says it does, the more permissive
 *       reading, so that a flow the tests require refused is refused under every plugin.
 *   <li>A port by number matches that port (up to {@code endPort}); a port by name matches the
 *       destination pod's container port of that name, and nothing on a pod without it.
 * </ul>
 */
final class NetworkPolicyEvaluator {
  /** A pod: namespace, labels, container ports by name, address. */
  record Pod(
      String name,
      String namespace,
      Map<String, String> labels,
      Map<String, Integer> namedPorts,
      String ip) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Where a connection comes from: a pod, or an address that is no pod's. */
  record Source(String name, Pod pod, String ip) {
    static Source of(Pod pod) {
      return new Source(pod.name(), pod, pod.ip());
    }

    static Source outside(String name, String ip) {
      return new Source(name, null, ip);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<V1NetworkPolicy> policies;
  private final Map<String, Map<String, String>> namespaceLabels;

  /**
   * @param namespaceLabels each namespace's labels (Kubernetes sets {@code
   *     kubernetes.io/metadata.name} on every namespace)
   */
  NetworkPolicyEvaluator(
      List<V1NetworkPolicy> policies, Map<String, Map<String, String>> namespaceLabels) {
    this.policies = List.copyOf(policies);
    this.namespaceLabels = namespaceLabels;
  }

  /** The policies that isolate the pod for ingress, by name. */
  List<String> isolating(Pod to) {
    List<String> names = new ArrayList<>();
    for (V1NetworkPolicy p : policies) {
      if (selectsForIngress(p, to)) {
        names.add(p.getMetadata().getName());
      }
    }
    return names;
  }

  /** Whether a TCP connection from the source to the pod's port is let through. */
  boolean allows(Source from, Pod to, int port) {
    boolean isolated = false;
    for (V1NetworkPolicy p : policies) {
      if (!selectsForIngress(p, to)) {
        continue;
      }
      isolated = true;
      List<V1NetworkPolicyIngressRule> rules = p.getSpec().getIngress();
      for (V1NetworkPolicyIngressRule rule :
          rules == null ? List.<V1NetworkPolicyIngressRule>of() : rules) {
        if (admitsSource(rule.getFrom(), from, namespaceOf(p))
            && admitsPort(rule.getPorts(), to, port)) {
          return true;
        }
      }
    }
    return !isolated;
  }

  /** Whether any policy's podSelector selects the pod, whatever its policy types. */
  boolean selectsAny(V1NetworkPolicy p, List<Pod> pods) {
    return pods.stream()
        .anyMatch(
            pod ->
                pod.namespace().equals(namespaceOf(p))
                    && matches(p.getSpec().getPodSelector(), pod.labels()));
  }

  private boolean selectsForIngress(V1NetworkPolicy p, Pod to) {
    if (!to.namespace().equals(namespaceOf(p))) {
      return false;
    }
    List<String> types = p.getSpec().getPolicyTypes();
    boolean ingress = types == null || types.isEmpty() || types.contains("Ingress");
    return ingress && matches(p.getSpec().getPodSelector(), to.labels());
  }

  private static String namespaceOf(V1NetworkPolicy p) {
    String ns = p.getMetadata().getNamespace();
    if (ns == null) {
      throw new IllegalArgumentException(
          "NetworkPolicy " + p.getMetadata().getName() + " has no namespace");
    }
    return ns;
  }

  private boolean admitsSource(List<V1NetworkPolicyPeer> peers, Source from, String policyNs) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    for (V1NetworkPolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        if (inBlock(peer.getIpBlock(), from.ip())) {
          return true;
        }
        continue;
      }
      Pod pod = from.pod();
      if (pod == null) {
        continue; // pod and namespace selectors name pods only
      }
      boolean nsOk =
          peer.getNamespaceSelector() == null
              ? pod.namespace().equals(policyNs)
              : matches(
                  peer.getNamespaceSelector(),
                  namespaceLabels.getOrDefault(pod.namespace(), Map.of()));
      boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels());
      if (nsOk && podOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean admitsPort(List<V1NetworkPolicyPort> ports, Pod to, int port) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (V1NetworkPolicyPort p : ports) {
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!protocol.equals("TCP")) {
        continue;
      }
      IntOrString q = p.getPort();
      if (q == null) {
        return true; // every port of the protocol
      }
      if (q.isInteger()) {
        int end = p.getEndPort() == null ? q.getIntValue() : p.getEndPort();
        if (port >= q.getIntValue() && port <= end) {
          return true;
        }
      } else if (Integer.valueOf(port).equals(to.namedPorts().get(q.getStrValue()))) {
        return true;
      }
    }
    return false;
  }

  /** A label selector: every matchLabels entry and every expression; an empty one selects all. */
  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (V1LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> v != null && values.contains(v);
              case "NotIn" -> v == null || !values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              default -> throw new IllegalArgumentException("selector operator " + r.getOperator());
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean inBlock(V1IPBlock block, String ip) {
    if (ip == null || !inCidr(block.getCidr(), ip)) {
      return false;
    }
    for (String except : block.getExcept() == null ? List.<String>of() : block.getExcept()) {
      if (inCidr(except, ip)) {
        return false;
      }
    }
    return true;
  }

  static boolean inCidr(String cidr, String ip) {
    int slash = cidr.indexOf('/');
    try {
      byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
      byte[] addr = InetAddress.getByName(ip).getAddress();
      if (net.length != addr.length) {
        return false; // an IPv4 block never holds an IPv6 address, nor the reverse
      }
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException | RuntimeException e) {
      throw new IllegalArgumentException("CIDR " + cidr + " or address " + ip, e);
    }
  }
}
