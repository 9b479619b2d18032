package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.rwgateway.gateway.NetworkPolicyEvaluator.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The namespace {@code monitoring} as NetworkPolicyFlowsTest sees it: the pods our renders make,
 * the pods others make (query from our conventions, kube-prometheus' Prometheus, Grafana and
 * Alertmanager) modelled by their labels and container ports, kube-prometheus' own NetworkPolicies
 * by their effect, and ours as rendered.
 */
final class MonitoringNamespace {
  private MonitoringNamespace() {}

  static final String NS = "monitoring";

  /** What kube-prometheus ships for its pods (manifests/*networkPolicy.yaml), in effect. */
  static final String KUBE_PROMETHEUS_POLICIES =
      """
      # prometheus-k8s: web (9090) and reloader (8080) from Prometheus pods, web from
      # prometheus-adapter and Grafana
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: prometheus-k8s, namespace: monitoring}
      spec:
        podSelector:
          matchLabels: {app.kubernetes.io/component: prometheus, app.kubernetes.io/instance: k8s,
                        app.kubernetes.io/name: prometheus, app.kubernetes.io/part-of: kube-prometheus}
        policyTypes: [Egress, Ingress]
        egress: [{}]
        ingress:
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
            ports: [{port: 9090, protocol: TCP}, {port: 8080, protocol: TCP}]
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus-adapter}}}]
            ports: [{port: 9090, protocol: TCP}]
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: grafana}}}]
            ports: [{port: 9090, protocol: TCP}]
      ---
      # grafana: 3000 from Prometheus pods
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: grafana, namespace: monitoring}
      spec:
        podSelector:
          matchLabels: {app.kubernetes.io/component: grafana, app.kubernetes.io/name: grafana,
                        app.kubernetes.io/part-of: kube-prometheus}
        policyTypes: [Egress, Ingress]
        egress: [{}]
        ingress:
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
            ports: [{port: 3000, protocol: TCP}]
      ---
      # alertmanager-main: web (9093) and reloader from Prometheus pods, the cluster port (9094)
      # from its peers
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: alertmanager-main, namespace: monitoring}
      spec:
        podSelector:
          matchLabels: {app.kubernetes.io/component: alert-router, app.kubernetes.io/instance: main,
                        app.kubernetes.io/name: alertmanager, app.kubernetes.io/part-of: kube-prometheus}
        policyTypes: [Egress, Ingress]
        egress: [{}]
        ingress:
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
            ports: [{port: 9093, protocol: TCP}, {port: 8080, protocol: TCP}]
          - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: alertmanager}}}]
            ports: [{port: 9094, protocol: TCP}, {port: 9094, protocol: UDP}]
      """;

  // --- the pods

  private static int nextIp = 10;

  static Pod pod(String name, String ns, Map<String, String> labels, Map<String, Integer> ports) {
    return new Pod(name, ns, labels, ports, "10.244.0." + nextIp++);
  }

  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Pods modelled by their labels: the ones no render of ours produces. */
  static List<Pod> modelledPods() {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      pods.add(
          pod(
              "query-" + i,
              NS,
              labels("app.kubernetes.io/name", "rwgateway", "app.kubernetes.io/component", "query"),
              Map.of("http", 10902, "grpc", 10901)));
      // The Operator's labels, kube-prometheus' podMetadata, the sidecar's ports (sidecar mode)
      pods.add(
          pod(
              "prometheus-k8s-" + i,
              NS,
              labels(
                  "app.kubernetes.io/name", "prometheus",
                  "app.kubernetes.io/instance", "k8s",
                  "app.kubernetes.io/component", "prometheus",
                  "app.kubernetes.io/part-of", "kube-prometheus",
                  "app.kubernetes.io/managed-by", "prometheus-operator",
                  "operator.prometheus.io/name", "k8s",
                  "prometheus", "k8s"),
              Map.of("web", 9090, "reloader-web", 8080, "grpc", 10901, "http", 10902)));
      pods.add(
          pod(
              "alertmanager-main-" + i,
              NS,
              labels(
                  "app.kubernetes.io/name", "alertmanager",
                  "app.kubernetes.io/instance", "main",
                  "app.kubernetes.io/component", "alert-router",
                  "app.kubernetes.io/part-of", "kube-prometheus",
                  "alertmanager", "main"),
              Map.of("web", 9093, "reloader-web", 8080)));
    }
    pods.add(
        pod(
            "grafana-0",
            NS,
            labels(
                "app.kubernetes.io/name", "grafana",
                "app.kubernetes.io/component", "grafana",
                "app.kubernetes.io/part-of", "kube-prometheus"),
            Map.of("http", 3000)));
    // Anything else in the namespace, and a Prometheus of another team in another namespace
    pods.add(pod("debug", NS, labels("app", "debug"), Map.of()));
    pods.add(
        pod(
            "prometheus-team-a-0",
            "team-a",
            labels("app.kubernetes.io/name", "prometheus", "prometheus", "team-a"),
            Map.of("web", 9090)));
    return pods;
  }

  /** The pods of the rendered workloads: every StatefulSet ordinal, Deployment pods name-N. */
  static List<Pod> renderedPods(List<ObjectNode> docs) {
    List<Pod> pods = new ArrayList<>();
    for (ObjectNode doc : docs) {
      String kind = doc.path("kind").asText();
      V1PodTemplateSpec template;
      int replicas;
      String name;
      if (kind.equals("StatefulSet")) {
        V1StatefulSet s = KubernetesModels.parse(doc, V1StatefulSet.class);
        template = s.getSpec().getTemplate();
        replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        name = s.getMetadata().getName();
      } else if (kind.equals("Deployment")) {
        V1Deployment d = KubernetesModels.parse(doc, V1Deployment.class);
        template = d.getSpec().getTemplate();
        replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        name = d.getMetadata().getName();
      } else {
        continue;
      }
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (V1Container c : template.getSpec().getContainers()) {
        for (V1ContainerPort p : c.getPorts() == null ? List.<V1ContainerPort>of() : c.getPorts()) {
          if (p.getName() != null) {
            ports.put(p.getName(), p.getContainerPort());
          }
        }
      }
      for (int i = 0; i < replicas; i++) {
        pods.add(pod(name + "-" + i, NS, template.getMetadata().getLabels(), ports));
      }
    }
    return pods;
  }

  static List<ObjectNode> render(String dir) throws Exception {
    Path path =
        KubernetesManifestsTest.kustomizeDirs().stream()
            .filter(d -> d.endsWith(Path.of(dir)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no k8s/" + dir + " with a kustomization.yaml"));
    return KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(path));
  }

  static List<V1NetworkPolicy> policies(List<ObjectNode> docs) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals("NetworkPolicy"))
        .map(d -> KubernetesModels.parse(d, V1NetworkPolicy.class))
        .toList();
  }

  /** The policies of k8s/base/network-policies and those of k8s/base/nodeports. */
  static List<V1NetworkPolicy> ourPolicies() throws Exception {
    List<V1NetworkPolicy> ours = new ArrayList<>(policies(render("base/network-policies")));
    assertFalse(ours.isEmpty(), "k8s/base/network-policies renders no NetworkPolicy");
    ours.addAll(policies(render("base/nodeports")));
    return ours;
  }

  static List<V1NetworkPolicy> kubePrometheusPolicies() throws Exception {
    return policies(KubernetesManifestsTest.parseDocuments(KUBE_PROMETHEUS_POLICIES));
  }
}
