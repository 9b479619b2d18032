package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.rwgateway.gateway.NetworkPolicyEvaluator.Pod;
import io.rwgateway.gateway.NetworkPolicyEvaluator.Source;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of NetworkPolicy semantics our own policies do not exercise, one case each. */
class NetworkPolicyEvaluatorTest {
  private static final Map<String, Map<String, String>> NAMESPACES =
      Map.of(
          "a", Map.of("kubernetes.io/metadata.name", "a", "team", "red"),
          "b", Map.of("kubernetes.io/metadata.name", "b", "team", "blue"));

  private static final Pod SERVER =
      new Pod("server", "a", Map.of("app", "server"), Map.of("grpc", 10901), "10.0.0.1");
  private static final Pod SAME_NS =
      new Pod("client-a", "a", Map.of("app", "client"), Map.of(), "10.0.0.2");
  private static final Pod OTHER_NS =
      new Pod("client-b", "b", Map.of("app", "client"), Map.of(), "10.0.1.2");

  private static NetworkPolicyEvaluator eval(String yaml) throws Exception {
    List<V1NetworkPolicy> policies =
        KubernetesManifestsTest.parseDocuments(yaml).stream()
            .map(d -> KubernetesModels.parse(d, V1NetworkPolicy.class))
            .toList();
    return new NetworkPolicyEvaluator(policies, NAMESPACES);
  }

  private static String policy(String spec) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: a}
        spec:
        """
        + spec.indent(2);
  }

  @Test
  void aPodNoPolicySelectsAcceptsEverything() throws Exception {
    NetworkPolicyEvaluator e =
        eval(policy("podSelector: {matchLabels: {app: other}}\npolicyTypes: [Ingress]"));
    assertTrue(e.allows(Source.of(OTHER_NS), SERVER, 1234));
  }

  @Test
  void anEgressOnlyPolicyDoesNotIsolateIngress() throws Exception {
    assertTrue(
        eval(policy("podSelector: {}\npolicyTypes: [Egress]"))
            .allows(Source.of(SAME_NS), SERVER, 10901));
    // without policyTypes, Ingress is implied
    assertFalse(eval(policy("podSelector: {}")).allows(Source.of(SAME_NS), SERVER, 10901));
  }

  @Test
  void aPodSelectorAloneIsThePolicysNamespace() throws Exception {
    NetworkPolicyEvaluator e =
        eval(
            policy(
                "podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]"));
    assertTrue(e.allows(Source.of(SAME_NS), SERVER, 10901));
    assertFalse(e.allows(Source.of(OTHER_NS), SERVER, 10901));
  }

  @Test
  void aNamespaceSelectorMatchesTheNamespacesLabels() throws Exception {
    NetworkPolicyEvaluator e =
        eval(
            policy(
                "podSelector: {}\n"
                    + "ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}},"
                    + " podSelector: {matchExpressions: [{key: app, operator: In, values: [client]}]}}]}]"));
    assertTrue(e.allows(Source.of(OTHER_NS), SERVER, 10901));
    assertFalse(e.allows(Source.of(SAME_NS), SERVER, 10901));
    assertFalse(e.allows(Source.outside("outside", "203.0.113.9"), SERVER, 10901));
  }

  @Test
  void anIpBlockMatchesByAddressWithItsExceptions() throws Exception {
    NetworkPolicyEvaluator e =
        eval(
            policy(
                "podSelector: {}\n"
                    + "ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]}]"));
    assertTrue(e.allows(Source.outside("in", "203.0.113.9"), SERVER, 80));
    assertFalse(e.allows(Source.outside("excepted", "203.0.113.200"), SERVER, 80));
    assertFalse(e.allows(Source.outside("elsewhere", "198.51.100.1"), SERVER, 80));
    assertFalse(e.allows(Source.of(SAME_NS), SERVER, 80));
  }

  @Test
  void aNamedPortIsTheDestinationsContainerPort() throws Exception {
    NetworkPolicyEvaluator e = eval(policy("podSelector: {}\ningress: [{ports: [{port: grpc}]}]"));
    assertTrue(e.allows(Source.of(SAME_NS), SERVER, 10901));
    assertFalse(e.allows(Source.of(SAME_NS), SERVER, 10902));
    // a pod without a port of that name: the rule opens nothing on it
    Pod noGrpc = new Pod("plain", "a", Map.of("app", "server"), Map.of("http", 10901), "10.0.0.3");
    assertFalse(e.allows(Source.of(SAME_NS), noGrpc, 10901));
  }

  @Test
  void aPortRangeAndOtherProtocols() throws Exception {
    NetworkPolicyEvaluator e =
        eval(
            policy(
                "podSelector: {}\n"
                    + "ingress: [{ports: [{port: 9000, endPort: 9010}, {protocol: UDP, port: 53}]}]"));
    assertTrue(e.allows(Source.of(SAME_NS), SERVER, 9005));
    assertFalse(e.allows(Source.of(SAME_NS), SERVER, 9011));
    assertFalse(e.allows(Source.of(SAME_NS), SERVER, 53)); // a TCP connection
  }
}
