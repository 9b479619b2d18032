package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every object the manifests under {@code k8s/} render to parses into its typed Kubernetes model
 * (client-java's models, generated from Kubernetes' OpenAPI schema), unknown fields, wrong types
 * and missing required fields rejected, each problem naming the object and the field. This is
 * Kubernetes' schema, where KubernetesManifestsTest checks its own records of the fields we use
 * (and the meaning: selectors, ports, flags).
 *
 * <p>Objects of the Prometheus Operator's custom resources (Prometheus, ServiceMonitor,
 * PrometheusRule) have no model in client-java: they are left to KubernetesManifestsTest's strict
 * records. Any other kind without a model fails, so that a new kind is checked somewhere.
 *
 * <p>Offline: {@code kubectl kustomize} renders, nothing talks to an API server (see {@link
 * KubernetesModels}), and the last test shows the parsing leaves no thread behind.
 */
class KubernetesTypedModelTest {

  private static List<String> problemsOf(List<ObjectNode> docs) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode doc : docs) {
      KubernetesModels.parse(doc, problems);
    }
    return problems;
  }

  private static String name(Path dir) {
    Path k8s = dir;
    while (k8s != null && !k8s.getFileName().toString().equals("k8s")) {
      k8s = k8s.getParent();
    }
    return k8s == null ? dir.toString() : k8s.getParent().relativize(dir).toString();
  }

  @TestFactory
  Stream<DynamicTest> everyRenderedObjectParsesIntoItsModel() {
    return KubernetesManifestsTest.kustomizeDirs().stream()
        .map(
            dir ->
                DynamicTest.dynamicTest(
                    name(dir),
                    () -> {
                      List<ObjectNode> docs =
                          KubernetesManifestsTest.parseDocuments(
                              KubernetesManifestsTest.render(dir));
                      assertTrue(!docs.isEmpty(), dir + " renders nothing");
                      assertEquals(List.of(), problemsOf(docs), "problems in " + dir);
                    }));
  }

  // Each case below breaks the rendered receive base and expects the problem it causes.

  private static String problemsAfter(Consumer<List<ObjectNode>> breakIt) throws Exception {
    List<ObjectNode> docs =
        KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(receiveBase()));
    assertEquals(List.of(), problemsOf(docs), "the intact base");
    breakIt.accept(docs);
    List<String> problems = problemsOf(docs);
    assertTrue(!problems.isEmpty(), "the broken manifest passed");
    return String.join("\n", problems);
  }

  private static Path receiveBase() {
    return KubernetesManifestsTest.kustomizeDirs().stream()
        .filter(d -> d.endsWith(Path.of("base", "receive")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no k8s/base/receive"));
  }

  private static ObjectNode find(List<ObjectNode> docs, String kind) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  private static ObjectNode container(List<ObjectNode> docs) {
    return (ObjectNode) find(docs, "StatefulSet").at("/spec/template/spec/containers/0");
  }

  private static void assertContains(String problems, String... expected) {
    for (String e : expected) {
      assertTrue(problems.contains(e), "expected \"" + e + "\" in:\n" + problems);
    }
  }

  @Test
  void aMisspeltFieldIsRejectedWithItsPlace() throws Exception {
    assertContains(
        problemsAfter(d -> container(d).put("readinesProbe", "x")),
        "StatefulSet/receive-default:",
        "`readinesProbe`",
        "V1Container",
        "spec.template.spec.containers[0].readinesProbe");
    assertContains(
        problemsAfter(d -> ((ObjectNode) find(d, "Service").get("spec")).put("clusterIp", "None")),
        "Service/",
        "`clusterIp`",
        "V1ServiceSpec");
  }

  @Test
  void aMisspeltFieldInANetworkPolicyIsRejected() throws Exception {
    Path dir =
        KubernetesManifestsTest.kustomizeDirs().stream()
            .filter(d -> d.endsWith(Path.of("base", "network-policies")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no k8s/base/network-policies"));
    List<ObjectNode> docs =
        KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(dir));
    assertEquals(List.of(), problemsOf(docs));
    ObjectNode peer =
        (ObjectNode)
            docs.stream()
                .filter(d -> d.at("/metadata/name").asText().equals("rwgateway-receive"))
                .findFirst()
                .orElseThrow()
                .at("/spec/ingress/1/from/0");
    peer.set("podSelecter", peer.remove("podSelector"));
    assertContains(
        String.join("\n", problemsOf(docs)),
        "NetworkPolicy/rwgateway-receive: The field `podSelecter` in the JSON string is not defined"
            + " in the `V1NetworkPolicyPeer` properties. (at spec.ingress[1].from[0].podSelecter)");
  }

  @Test
  void aWrongTypeIsRejected() throws Exception {
    assertContains(
        problemsAfter(
            d -> ((ObjectNode) find(d, "StatefulSet").get("spec")).put("replicas", "three")),
        "StatefulSet/receive-default:",
        "does not read as V1StatefulSet: NumberFormatException: For input string: \"three\" (at spec.replicas)");
    // Gson alone would read these; the round trip through the model catches them
    assertContains(
        problemsAfter(d -> ((ObjectNode) find(d, "StatefulSet").get("spec")).put("replicas", "3")),
        "StatefulSet/receive-default: spec.replicas has the wrong type: \"3\" reads as 3");
    assertContains(
        problemsAfter(
            d ->
                ((ObjectNode) container(d).get("securityContext"))
                    .put("readOnlyRootFilesystem", "yes")),
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem has the wrong"
            + " type: \"yes\" reads as false");
    assertContains(
        problemsAfter(
            d -> ((ObjectNode) find(d, "ConfigMap").at("/metadata/labels")).put("version", 1)),
        "ConfigMap/receive-hashring: metadata.labels.version has the wrong type: 1 reads as \"1\"");
    assertContains(
        problemsAfter(d -> container(d).put("args", "receive")),
        "StatefulSet/receive-default:",
        "`args` to be an array");
  }

  @Test
  void quantitiesMayBeNumbersOrStrings() throws Exception {
    List<ObjectNode> docs =
        KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(receiveBase()));
    ObjectNode requests = (ObjectNode) container(docs).at("/resources/requests");
    requests.put("cpu", 1); // Kubernetes takes a quantity as a number too
    requests.put("memory", "2048Mi"); // the same as 2Gi, written another way
    assertEquals(List.of(), problemsOf(docs));
    requests.put("memory", "two gigs");
    assertContains(String.join("\n", problemsOf(docs)), "StatefulSet/receive-default:");
  }

  @Test
  void aMissingRequiredFieldIsRejected() throws Exception {
    assertContains(
        problemsAfter(d -> container(d).remove("name")),
        "StatefulSet/receive-default:",
        "required field `name` is not found (in spec.template.spec.containers[0])");
    assertContains(
        problemsAfter(d -> ((ObjectNode) find(d, "StatefulSet").get("spec")).remove("selector")),
        "StatefulSet/receive-default:",
        "required field `selector` is not found (in spec)");
  }

  @Test
  void anUnknownKindOrApiVersionIsRejected() throws Exception {
    assertContains(
        problemsAfter(d -> find(d, "ConfigMap").put("kind", "ConfigMaps")),
        "ConfigMaps/receive-hashring: no typed model for apiVersion v1 kind ConfigMaps");
    assertContains(
        problemsAfter(d -> find(d, "PodDisruptionBudget").put("apiVersion", "policy/v1beta1")),
        "no typed model for apiVersion policy/v1beta1 kind PodDisruptionBudget");
    assertContains(
        problemsAfter(d -> find(d, "ConfigMap").put("apiVersion", "monitoring.coreos.com/v1")),
        "no typed model for apiVersion monitoring.coreos.com/v1 kind ConfigMap");
  }

  @Test
  void aSecretsDataMustBeBase64() throws Exception {
    // the one place the models need okio (see the parent pom's note on client-java-api)
    String secret =
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: rwgateway-objstore
        type: Opaque
        data:
          objstore.yml: %s
        """;
    List<String> problems = new ArrayList<>();
    KubernetesModels.parse(
        KubernetesManifestsTest.parseDocuments(secret.formatted("dHlwZTogRklMRVNZU1RFTQo=")).get(0),
        problems);
    assertEquals(List.of(), problems);
    KubernetesModels.parse(
        KubernetesManifestsTest.parseDocuments(secret.formatted("'type: FILESYSTEM'")).get(0),
        problems);
    assertContains(String.join("\n", problems), "Secret/rwgateway-objstore:");
  }

  @Test
  void theOperatorsCustomResourcesAreLeftToTheStrictRecords() throws Exception {
    List<ObjectNode> docs =
        KubernetesManifestsTest.parseDocuments(
            """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata:
              name: thanos-receive
            spec:
              anyField: "is not checked here"
            """);
    assertTrue(KubernetesModels.isCustomResource(docs.get(0)));
    List<String> problems = new ArrayList<>();
    assertNull(KubernetesModels.parse(docs.get(0), problems));
    assertEquals(List.of(), problems);
  }

  @Test
  void theParsedModelCarriesTheManifest() throws Exception {
    List<ObjectNode> docs =
        KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(receiveBase()));
    V1StatefulSet sts = KubernetesModels.parse(find(docs, "StatefulSet"), V1StatefulSet.class);
    assertNotNull(sts.getSpec());
    assertEquals(3, sts.getSpec().getReplicas());
    assertEquals("gateway", sts.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
    ArrayNode args = (ArrayNode) container(docs).get("args");
    assertEquals(
        args.size(), sts.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().size());
  }

  @Test
  void parsingEveryRenderLeavesNoThreadBehind() throws Exception {
    List<List<ObjectNode>> renders = new ArrayList<>();
    for (Path dir : KubernetesManifestsTest.kustomizeDirs()) {
      renders.add(KubernetesManifestsTest.parseDocuments(KubernetesManifestsTest.render(dir)));
    }
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    for (List<ObjectNode> docs : renders) {
      problemsOf(docs);
    }
    // NOTE: other tests of this JVM start and end threads meanwhile (Netty's global executor,
    // gRPC's): only a new thread running the client library's code counts.
    List<String> started = new ArrayList<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      if (!before.contains(t) && t.isAlive() && ofTheClientLibrary(t, e.getValue())) {
        started.add(t.getName());
      }
    }
    assertEquals(List.of(), started, "threads started by the models (an HTTP client?)");
  }

  /** A thread of the Kubernetes client or its HTTP stack (OkHttp, Okio), by name or by code. */
  private static boolean ofTheClientLibrary(Thread t, StackTraceElement[] stack) {
    if (t.getName().contains("OkHttp")) {
      return true;
    }
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      if (c.startsWith("io.kubernetes.") || c.startsWith("okhttp3.") || c.startsWith("okio.")) {
        return true;
      }
    }
    return false;
  }
}
