package io.rwgateway.gateway;

import static io.rwgateway.gateway.MonitoringNamespace.NS;
import static io.rwgateway.gateway.MonitoringNamespace.kubePrometheusPolicies;
import static io.rwgateway.gateway.MonitoringNamespace.modelledPods;
import static io.rwgateway.gateway.MonitoringNamespace.ourPolicies;
import static io.rwgateway.gateway.MonitoringNamespace.render;
import static io.rwgateway.gateway.MonitoringNamespace.renderedPods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.rwgateway.gateway.NetworkPolicyEvaluator.Pod;
import io.rwgateway.gateway.NetworkPolicyEvaluator.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies of {@code k8s/base/network-policies}, evaluated ({@link
 * NetworkPolicyEvaluator}) together with kube-prometheus' own policies over the pods they govern,
 * against a table of connections that must pass and connections that must be refused.
 *
 * <p>The NodePorts' policies live with the NodePort Services in {@code k8s/base/nodeports}: they
 * are evaluated together with the others.
 *
 * <p>The receivers and routers come from rendering {@code k8s/base/receive} and {@code
 * k8s/overlays/router-ingestor}; the query pods and kube-prometheus' pods (Prometheus, Grafana,
 * Alertmanager) are modelled ({@link MonitoringNamespace}) by the labels and ports they carry:
 * query's from our conventions ({@code app.kubernetes.io/component: query}, http 10902, grpc
 * 10901), Prometheus' from the Prometheus Operator (custom resource {@code k8s}, Thanos sidecar
 * ports grpc 10901 and http 10902), Grafana's and Alertmanager's from kube-prometheus. The NodePort
 * Services of {@code k8s/base/nodeports} are checked to reach their pods from outside the cluster.
 */
class NetworkPolicyFlowsTest {
  // --- the flows

  /** One connection and whether it must pass. */
  record Flow(String from, String to, int port, boolean allowed, String what) {}

  static Flow allow(String from, String to, int port, String what) {
    return new Flow(from, to, port, true, what);
  }

  static Flow refuse(String from, String to, int port, String what) {
    return new Flow(from, to, port, false, what);
  }

  static final Source OUTSIDE = Source.outside("a browser outside the cluster", "203.0.113.7");

  /** A NodePort connection with the default externalTrafficPolicy: the node's address. */
  static final Source NODE = Source.outside("a node (NodePort, source NAT)", "192.168.10.4");

  /** Connections every setup has: scrapes, reads, the NodePorts, kube-prometheus' own. */
  static final List<Flow> COMMON =
      List.of(
          allow("prometheus-k8s-0", "query-0", 10902, "scrape of job thanos-query"),
          allow("grafana-0", "query-0", 10902, "Grafana's data source reads query"),
          allow("query-1", "prometheus-k8s-0", 10901, "query reads the sidecar's StoreAPI"),
          allow("prometheus-k8s-1", "prometheus-k8s-0", 10902, "scrape of job thanos-sidecar"),
          allow("outside", "prometheus-k8s-0", 9090, "NodePort 30090"),
          allow("outside", "grafana-0", 3000, "NodePort 30300"),
          allow("outside", "alertmanager-main-1", 9093, "NodePort 30093"),
          allow("node", "grafana-0", 3000, "NodePort 30300 through another node"),
          allow("grafana-0", "prometheus-k8s-1", 9090, "kube-prometheus: Grafana reads Prometheus"),
          allow("prometheus-k8s-0", "alertmanager-main-0", 9093, "kube-prometheus: alerts"),
          refuse("debug", "query-0", 10902, "only Grafana and Prometheus read query"),
          refuse("grafana-0", "query-0", 10901, "query's StoreAPI has no client here"),
          refuse("query-0", "query-1", 10901, "no query above query"),
          refuse("debug", "prometheus-k8s-0", 10901, "only query reads the sidecar"),
          refuse("outside", "prometheus-k8s-0", 10901, "the sidecar is not exposed"),
          refuse("outside", "prometheus-k8s-0", 8080, "only the web port is opened"),
          refuse("outside", "grafana-0", 9090, "only Grafana's port on Grafana"),
          refuse("outside", "query-0", 10902, "query has no NodePort"),
          refuse("prometheus-team-a-0", "query-0", 10902, "pod selectors are the namespace's"));

  /** k8s/base/receive: receivers that route and ingest. */
  static final List<Flow> RECEIVE =
      List.of(
          allow("prometheus-k8s-0", "receive-default-0", 19291, "remote write"),
          allow("prometheus-k8s-1", "receive-default-2", 10902, "scrape of job thanos-receive"),
          allow("receive-default-0", "receive-default-1", 10901, "forwarding to an owner"),
          allow("receive-default-2", "receive-default-0", 10901, "replication"),
          allow("query-0", "receive-default-1", 10901, "query reads the StoreAPI"),
          refuse("query-0", "receive-default-0", 19291, "query writes nothing"),
          refuse("debug", "receive-default-0", 10901, "an arbitrary pod reads no receiver"),
          refuse("debug", "receive-default-0", 19291, "an arbitrary pod writes nothing"),
          refuse("grafana-0", "receive-default-0", 10902, "Grafana reads through query"),
          refuse("outside", "receive-default-0", 19291, "remote write is in-cluster"),
          refuse("node", "receive-default-0", 10901, "no NodePort to receivers"),
          refuse("prometheus-team-a-0", "receive-default-0", 19291, "another namespace"),
          refuse("receive-default-0", "prometheus-k8s-0", 10901, "receivers read nothing"));

  /** k8s/overlays/router-ingestor: routers take the writes and forward to the ingestors. */
  static final List<Flow> ROUTER_INGESTOR =
      List.of(
          allow("prometheus-k8s-0", "receive-router-0", 19291, "remote write to a router"),
          allow("prometheus-k8s-0", "receive-router-1", 10902, "scrape of thanos-receive-router"),
          allow("receive-router-1", "receive-default-2", 10901, "forwarding to an ingestor"),
          allow("query-0", "receive-default-0", 10901, "query reads the ingestors"),
          refuse("query-0", "receive-router-0", 10901, "routers hold no data"),
          refuse("receive-default-0", "receive-router-0", 10901, "ingestors call no router"),
          refuse("debug", "receive-router-0", 19291, "an arbitrary pod writes nothing"),
          refuse("query-0", "receive-router-0", 19291, "query writes nothing"));

  /** Every flow of the table that the policies get wrong, one line each. */
  static List<String> violations(List<V1NetworkPolicy> policies, List<Pod> pods, List<Flow> flows) {
    Map<String, Map<String, String>> namespaces =
        Map.of(
            NS,
            Map.of("kubernetes.io/metadata.name", NS),
            "team-a",
            Map.of("kubernetes.io/metadata.name", "team-a"));
    NetworkPolicyEvaluator eval = new NetworkPolicyEvaluator(policies, namespaces);
    Map<String, Pod> byName = new LinkedHashMap<>();
    pods.forEach(p -> byName.put(p.name(), p));
    List<String> out = new ArrayList<>();
    for (Flow f : flows) {
      Source from =
          switch (f.from()) {
            case "outside" -> OUTSIDE;
            case "node" -> NODE;
            default -> Source.of(find(byName, f.from()));
          };
      Pod to = find(byName, f.to());
      if (eval.allows(from, to, f.port()) != f.allowed()) {
        out.add(
            from
                + " -> "
                + to
                + ":"
                + f.port()
                + " ("
                + f.what()
                + ") must be "
                + (f.allowed() ? "allowed" : "refused")
                + ", is "
                + (f.allowed() ? "refused" : "allowed")
                + "; policies isolating "
                + to
                + ": "
                + eval.isolating(to));
      }
    }
    return out;
  }

  private static Pod find(Map<String, Pod> pods, String name) {
    Pod p = pods.get(name);
    if (p == null) {
      throw new AssertionError("no pod " + name + " in " + pods.keySet());
    }
    return p;
  }

  static List<V1NetworkPolicy> all(List<V1NetworkPolicy> ours) throws Exception {
    List<V1NetworkPolicy> all = new ArrayList<>(ours);
    all.addAll(kubePrometheusPolicies());
    return all;
  }

  static List<Pod> podsOf(String dir) throws Exception {
    List<Pod> pods = new ArrayList<>(renderedPods(render(dir)));
    pods.addAll(modelledPods());
    return pods;
  }

  static List<Flow> plus(List<Flow> a, List<Flow> b) {
    List<Flow> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  // --- the tests

  @Test
  void receiveModeFlows() throws Exception {
    assertEquals(
        List.of(), violations(all(ourPolicies()), podsOf("base/receive"), plus(COMMON, RECEIVE)));
  }

  @Test
  void routerIngestorFlows() throws Exception {
    assertEquals(
        List.of(),
        violations(
            all(ourPolicies()), podsOf("overlays/router-ingestor"), plus(COMMON, ROUTER_INGESTOR)));
  }

  @Test
  void everyPolicySelectsSomePod() throws Exception {
    NetworkPolicyEvaluator eval = new NetworkPolicyEvaluator(List.of(), Map.of());
    List<Pod> pods = podsOf("overlays/router-ingestor");
    pods.addAll(renderedPods(render("base/receive")));
    for (V1NetworkPolicy p : ourPolicies()) {
      assertTrue(
          eval.selectsAny(p, pods),
          "NetworkPolicy " + p.getMetadata().getName() + " selects none of the pods " + pods);
    }
  }

  @Test
  void everyRwgatewayPodIsIsolated() throws Exception {
    NetworkPolicyEvaluator eval = new NetworkPolicyEvaluator(all(ourPolicies()), Map.of());
    List<Pod> pods = podsOf("overlays/router-ingestor");
    pods.addAll(renderedPods(render("base/receive")));
    for (Pod p : pods) {
      if ("rwgateway".equals(p.labels().get("app.kubernetes.io/name"))) {
        assertTrue(
            eval.isolating(p).contains("rwgateway-default-deny-ingress"),
            p + " is not under the default deny: " + eval.isolating(p));
      }
    }
  }

  @Test
  void theNodePortsReachTheirPodsFromOutside() throws Exception {
    Map<String, Integer> expected =
        Map.of(
            "prometheus-k8s-nodeport", 30090,
            "grafana-nodeport", 30300,
            "alertmanager-main-nodeport", 30093);
    NetworkPolicyEvaluator eval = new NetworkPolicyEvaluator(all(ourPolicies()), Map.of());
    List<Pod> pods = modelledPods();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (ObjectNode doc : render("base/nodeports")) {
      if (!doc.path("kind").asText().equals("Service")) {
        continue;
      }
      V1Service s = KubernetesModels.parse(doc, V1Service.class);
      String name = s.getMetadata().getName();
      assertEquals(NS, s.getMetadata().getNamespace(), name);
      assertEquals("NodePort", s.getSpec().getType(), name);
      List<Pod> selected =
          pods.stream()
              .filter(p -> p.namespace().equals(NS))
              .filter(
                  p ->
                      s.getSpec().getSelector().entrySet().stream()
                          .allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
              .toList();
      assertFalse(selected.isEmpty(), name + " selects no pod");
      for (V1ServicePort port : s.getSpec().getPorts()) {
        seen.put(name, port.getNodePort());
        int target = port.getTargetPort().getIntValue();
        for (Pod p : selected) {
          assertTrue(p.namedPorts().containsValue(target), name + ": " + p + " has no " + target);
          for (Source from : List.of(OUTSIDE, NODE)) {
            assertTrue(
                eval.allows(from, p, target),
                name + ": " + from + " -> " + p + ":" + target + " is refused");
          }
        }
      }
    }
    assertEquals(expected, seen);
  }

  // --- broken policies: the table catches each

  private static List<V1NetworkPolicy> changed(String name, UnaryOperator<V1NetworkPolicy> change)
      throws Exception {
    List<V1NetworkPolicy> out = new ArrayList<>();
    boolean found = false;
    for (V1NetworkPolicy p : ourPolicies()) {
      if (p.getMetadata().getName().equals(name)) {
        found = true;
        V1NetworkPolicy c = change.apply(p);
        if (c != null) {
          out.add(c);
        }
      } else {
        out.add(p);
      }
    }
    assertTrue(found, "no policy " + name);
    return out;
  }

  private static String violationsOf(List<V1NetworkPolicy> ours) throws Exception {
    List<String> v = violations(all(ours), podsOf("base/receive"), plus(COMMON, RECEIVE));
    assertFalse(v.isEmpty(), "the broken policies pass the table");
    return String.join("\n", v);
  }

  private static void assertContains(String text, String expected) {
    assertTrue(text.contains(expected), "expected \"" + expected + "\" in:\n" + text);
  }

  @Test
  void aPolicyThatOmitsANeededFlowFails() throws Exception {
    // the receivers' gRPC rule without query
    String v =
        violationsOf(
            changed(
                "rwgateway-receive",
                p -> {
                  p.getSpec().getIngress().get(1).getFrom().remove(2);
                  return p;
                }));
    assertContains(
        v,
        "query-0 -> receive-default-1:10901 (query reads the StoreAPI) must be allowed, is refused;"
            + " policies isolating receive-default-1: [rwgateway-default-deny-ingress,"
            + " rwgateway-receive]");
    // without the NodePort policies, kube-prometheus' own drop the guide's UIs
    assertContains(
        violationsOf(changed("grafana-nodeport", p -> null)),
        "a browser outside the cluster -> grafana-0:3000 (NodePort 30300) must be allowed");
  }

  @Test
  void aPolicyThatLetsTooMuchThroughFails() throws Exception {
    // no default deny and no receive policy: the receivers are open to every pod
    List<V1NetworkPolicy> open = new ArrayList<>(ourPolicies());
    open.removeIf(
        p ->
            p.getMetadata().getName().equals("rwgateway-receive")
                || p.getMetadata().getName().equals("rwgateway-default-deny-ingress"));
    String v = violationsOf(open);
    assertContains(
        v,
        "debug -> receive-default-0:10901 (an arbitrary pod reads no receiver)"
            + " must be refused, is allowed");
    // a rule whose "from" is dropped admits every source
    assertContains(
        violationsOf(
            changed(
                "rwgateway-receive",
                p -> {
                  p.getSpec().getIngress().get(1).setFrom(null);
                  return p;
                })),
        "debug -> receive-default-0:10901");
  }
}
