package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rwgateway.gateway.PrometheusOperatorModel.PrometheusRuleSpec;
import io.rwgateway.gateway.PrometheusOperatorModel.PrometheusSpec;
import io.rwgateway.gateway.PrometheusOperatorModel.RemoteWriteSpec;
import io.rwgateway.gateway.PrometheusOperatorModel.Rule;
import io.rwgateway.gateway.PrometheusOperatorModel.RuleGroup;
import io.rwgateway.gateway.PrometheusOperatorModel.ScrapeEndpoint;
import io.rwgateway.gateway.PrometheusOperatorModel.ServiceMonitorSpec;
import io.rwgateway.gateway.PrometheusOperatorModel.ThanosSpec;
import io.rwgateway.hashring.Endpoint;
import io.rwgateway.hashring.HashringConfig;
import io.rwgateway.hashring.HashringConfigException;
import io.rwgateway.query.EndpointSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Kubernetes manifests under {@code k8s/}, checked offline (CI has no cluster): every kustomize
 * directory renders with {@code kubectl kustomize}; every object is of a known kind and apiVersion
 * and parses into the subset of the Kubernetes schema modelled below with unknown fields rejected
 * (a misspelt field fails); selectors match pod labels; ports agree between containers, flags,
 * Services and probes; the gateway's arguments are accepted by its own flag parser (after
 * Kubernetes' {@code $(VAR)} expansion, with the mounted ConfigMaps and Secrets as files); the
 * hashring ConfigMap parses with the hashring module's parser and names exactly the StatefulSet's
 * pods on their gRPC port; containers run as non-root, read-only, without capabilities, with
 * requests and limits. Prometheus Operator resources parse into the fields its API documents
 * ({@link PrometheusOperatorModel}); a {@code Prometheus} stands for the pods the Operator makes of
 * it ({@link OperatorPods}), whose Thanos sidecar runs our image with the arguments the Operator
 * builds, checked by {@code gateway sidecar}'s parser; {@code gateway query}'s endpoints name
 * headless Services with a gRPC port; ServiceMonitors reach the gateway's /metrics port and name
 * the job as the Thanos mixin expects; remote write reaches a receiver's remote-write port. The
 * cases at the end break a rendered manifest to show each check fails.
 */
class KubernetesManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, String> API_VERSIONS =
      Map.ofEntries(
          Map.entry("ConfigMap", "v1"),
          Map.entry("Secret", "v1"),
          Map.entry("Service", "v1"),
          Map.entry("PersistentVolumeClaim", "v1"),
          Map.entry("StatefulSet", "apps/v1"),
          Map.entry("Deployment", "apps/v1"),
          Map.entry("Job", "batch/v1"),
          Map.entry("PodDisruptionBudget", "policy/v1"),
          Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
          Map.entry("Prometheus", "monitoring.coreos.com/v1"),
          Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"),
          Map.entry("PrometheusRule", "monitoring.coreos.com/v1"));

  // --- the subset of the Kubernetes schema the manifests use; anything else is an unknown field

  record Obj(
      String apiVersion,
      String kind,
      Meta metadata,
      JsonNode spec,
      Map<String, String> data,
      Map<String, String> binaryData,
      Map<String, String> stringData,
      Boolean immutable,
      String type) {}

  record Meta(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  record Selector(Map<String, String> matchLabels) {}

  /** A label selector with expressions (ServiceMonitor, NetworkPolicy, Operator selectors). */
  record LabelSelector(Map<String, String> matchLabels, List<LabelRequirement> matchExpressions) {
    /**
     * Kubernetes' semantics: every matchLabels entry and every expression holds; {} matches all.
     */
    boolean matches(Map<String, String> labels) {
      if (matchLabels != null
          && !matchLabels.entrySet().stream()
              .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
        return false;
      }
      for (LabelRequirement r :
          matchExpressions == null ? List.<LabelRequirement>of() : matchExpressions) {
        String v = labels.get(r.key());
        List<String> values = r.values() == null ? List.of() : r.values();
        boolean ok =
            switch (r.operator()) {
              case "In" -> v != null && values.contains(v);
              case "NotIn" -> v == null || !values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              default -> throw new IllegalArgumentException("selector operator " + r.operator());
            };
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }

  record LabelRequirement(String key, String operator, List<String> values) {}

  record StatefulSetSpec(
      Integer replicas,
      String serviceName,
      String podManagementPolicy,
      Selector selector,
      PodTemplate template,
      List<Pvc> volumeClaimTemplates) {}

  record DeploymentSpec(
      Integer replicas, DeploymentStrategy strategy, Selector selector, PodTemplate template) {}

  record DeploymentStrategy(String type) {}

  record JobSpec(Integer backoffLimit, Integer ttlSecondsAfterFinished, PodTemplate template) {}

  record PodTemplate(Meta metadata, PodSpec spec) {}

  record PodSpec(
      Integer terminationGracePeriodSeconds,
      String restartPolicy,
      PodSecurityContext securityContext,
      List<Container> containers,
      List<Volume> volumes) {}

  record PodSecurityContext(
      Boolean runAsNonRoot,
      Long runAsUser,
      Long runAsGroup,
      Long fsGroup,
      SeccompProfile seccompProfile) {}

  record SeccompProfile(String type) {}

  record Container(
      String name,
      String image,
      String imagePullPolicy,
      List<String> command,
      List<String> args,
      List<EnvVar> env,
      List<ContainerPort> ports,
      Probe readinessProbe,
      Probe livenessProbe,
      Resources resources,
      SecurityContext securityContext,
      List<VolumeMount> volumeMounts) {}

  record EnvVar(String name, String value, EnvSource valueFrom) {}

  record EnvSource(FieldRef fieldRef, KeyRef secretKeyRef) {}

  record KeyRef(String name, String key) {}

  record FieldRef(String fieldPath) {}

  record ContainerPort(String name, int containerPort, String protocol) {}

  record Probe(
      HttpGet httpGet,
      Integer initialDelaySeconds,
      Integer periodSeconds,
      Integer timeoutSeconds,
      Integer failureThreshold) {}

  record HttpGet(String path, String port) {}

  record Resources(Map<String, String> requests, Map<String, String> limits) {}

  record SecurityContext(
      Boolean allowPrivilegeEscalation,
      Boolean readOnlyRootFilesystem,
      Boolean runAsNonRoot,
      Capabilities capabilities) {}

  record Capabilities(List<String> drop, List<String> add) {}

  record VolumeMount(String name, String mountPath, Boolean readOnly) {}

  record Volume(
      String name,
      EmptyDir emptyDir,
      ConfigMapVolume configMap,
      SecretVolume secret,
      ClaimVolume persistentVolumeClaim) {}

  record ClaimVolume(String claimName) {}

  record EmptyDir(String medium, String sizeLimit) {}

  record ConfigMapVolume(String name) {}

  record SecretVolume(String secretName) {}

  record Pvc(Meta metadata, PvcSpec spec) {}

  record PvcSpec(List<String> accessModes, Resources resources, String storageClassName) {}

  record ServiceSpec(
      String type,
      String clusterIP,
      Boolean publishNotReadyAddresses,
      String externalTrafficPolicy,
      String internalTrafficPolicy,
      String sessionAffinity,
      Map<String, String> selector,
      List<ServicePort> ports) {}

  record ServicePort(String name, int port, String targetPort, Integer nodePort, String protocol) {}

  record NetworkPolicySpec(
      LabelSelector podSelector,
      List<String> policyTypes,
      List<IngressRule> ingress,
      List<EgressRule> egress) {}

  record IngressRule(List<PolicyPeer> from, List<PolicyPort> ports) {}

  record EgressRule(List<PolicyPeer> to, List<PolicyPort> ports) {}

  record PolicyPeer(LabelSelector podSelector, LabelSelector namespaceSelector, IpBlock ipBlock) {}

  record IpBlock(String cidr, List<String> except) {}

  record PolicyPort(String protocol, String port, Integer endPort) {}

  record PdbSpec(String maxUnavailable, String minAvailable, Selector selector) {}

  /**
   * A workload's pods: the StatefulSet or Deployment, its pod labels and spec; or the pods the
   * Prometheus Operator makes of a Prometheus resource; or kube-prometheus' own pods, known to be
   * in the cluster but not in the render. {@code checked} are the containers whose settings and
   * arguments are checked: a manifest's own, the Operator's sidecar (once per argument variant),
   * none of kube-prometheus'.
   */
  record Pods(
      String ref,
      Map<String, String> labels,
      PodSpec spec,
      StatefulSetSpec statefulSet,
      String name,
      Origin origin,
      List<Container> checked) {
    enum Origin {
      MANIFEST,
      OPERATOR,
      EXTERNAL
    }

    /** Example names of its pods: every ordinal of a StatefulSet, one for a Deployment. */
    List<String> podNames() {
      if (statefulSet == null) {
        return List.of(name + "-5d8f9c7b6-x2x4z");
      }
      List<String> names = new ArrayList<>();
      int n = statefulSet.replicas() == null ? 1 : statefulSet.replicas();
      for (int i = 0; i < n; i++) {
        names.add(name + "-" + i);
      }
      return names;
    }
  }

  // --- the directories and the renderer

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s"))) {
      p = p.getParent();
    }
    if (p == null) {
      fail("no k8s/ directory above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static List<Path> kustomizeDirs() {
    Path k8s = repoRoot().resolve("k8s");
    try (Stream<Path> files = Files.walk(k8s)) {
      return files
          .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
          .map(Path::getParent)
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kubectl kustomize's exit code and output (stdout and stderr) for one directory. */
  private record Rendered(int exit, String text) {}

  private static final Map<Path, Rendered> RENDERED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * kubectl kustomize's output for a directory. The first call renders every directory at once, in
   * parallel processes (each takes ~0.1 s of CPU), and the results are kept for the run.
   */
  static String render(Path dir) throws Exception {
    renderAll();
    Rendered r = RENDERED.get(dir);
    if (r == null) {
      r = finish(dir, start(dir));
      RENDERED.put(dir, r);
    }
    assertEquals(0, r.exit(), "kubectl kustomize " + dir + " failed:\n" + r.text());
    return r.text();
  }

  private static synchronized void renderAll() throws Exception {
    if (!RENDERED.isEmpty()) {
      return;
    }
    Map<Path, Process> started = new LinkedHashMap<>();
    for (Path dir : kustomizeDirs()) {
      started.put(dir, start(dir));
    }
    for (Map.Entry<Path, Process> e : started.entrySet()) {
      RENDERED.put(e.getKey(), finish(e.getKey(), e.getValue()));
    }
  }

  /** A base may name Services other bases provide; an overlay must render everything it names. */
  static boolean partial(Path dir) {
    return dir.startsWith(repoRoot().resolve("k8s/base"));
  }

  private static Process start(Path dir) {
    try {
      return new ProcessBuilder("kubectl", "kustomize", dir.toString())
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      return fail(
          "kubectl is needed to check the manifests under k8s/ (`kubectl kustomize`, no cluster):"
              + " install it (Debian/Ubuntu: apt-get install -y kubectl; otherwise"
              + " https://kubernetes.io/docs/tasks/tools/): "
              + e.getMessage());
    }
  }

  private static Rendered finish(Path dir, Process p) throws Exception {
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " did not finish");
    return new Rendered(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static List<ObjectNode> parseDocuments(String yaml) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add((ObjectNode) n);
        }
      }
    }
    return docs;
  }

  // --- the checks: every problem found, as one line each

  /**
   * What the checks know of one render. {@code partial} for a base: it may name Services another
   * base provides (the query's endpoints, a remote-write URL, a ServiceMonitor's selector), which
   * are then checked where an overlay combines the bases.
   */
  record Render(
      List<Pods> pods,
      Map<String, ServiceSpec> services,
      Map<String, Map<String, String>> serviceLabels,
      Map<String, Map<String, byte[]>> configMaps,
      Map<String, Map<String, byte[]>> secrets,
      Set<String> namespaces,
      Set<String> replicaLabels,
      boolean partial) {}

  static List<String> check(List<ObjectNode> docs, Path scratch) {
    return check(docs, scratch, false);
  }

  static List<String> check(List<ObjectNode> docs, Path scratch, boolean partial) {
    List<String> problems = new ArrayList<>();
    List<Pods> pods = new ArrayList<>();
    Map<String, ServiceSpec> services = new TreeMap<>();
    Map<String, Map<String, String>> serviceLabels = new TreeMap<>();
    Map<String, Map<String, byte[]>> configMaps = new TreeMap<>();
    Map<String, Map<String, byte[]>> secrets = new TreeMap<>();
    Map<String, PdbSpec> pdbs = new TreeMap<>();
    Map<String, PrometheusSpec> prometheuses = new TreeMap<>();
    Map<String, ServiceMonitorSpec> serviceMonitors = new TreeMap<>();
    Set<String> namespaces = new TreeSet<>();
    for (ObjectNode doc : docs) {
      Obj o;
      try {
        o = YAML.treeToValue(doc, Obj.class);
      } catch (IOException e) {
        problems.add("object does not parse: " + firstLine(e));
        continue;
      }
      String ref = o.kind() + "/" + (o.metadata() == null ? "?" : o.metadata().name());
      String expected = API_VERSIONS.get(o.kind());
      if (expected == null) {
        problems.add(
            ref + ": kind not expected here (" + new TreeSet<>(API_VERSIONS.keySet()) + ")");
        continue;
      }
      if (!expected.equals(o.apiVersion())) {
        problems.add(ref + ": apiVersion " + o.apiVersion() + ", expected " + expected);
      }
      if (o.metadata() == null || o.metadata().name() == null) {
        problems.add(ref + ": no metadata.name");
        continue;
      }
      if (o.metadata().namespace() != null) {
        namespaces.add(o.metadata().namespace());
      }
      String name = o.metadata().name();
      Map<String, String> labels = o.metadata().labels() == null ? Map.of() : o.metadata().labels();
      try {
        switch (o.kind()) {
          case "StatefulSet" -> {
            StatefulSetSpec s = YAML.treeToValue(o.spec(), StatefulSetSpec.class);
            workload(ref, name, s.selector(), s.template(), s, pods, problems);
          }
          case "Deployment" -> {
            DeploymentSpec s = YAML.treeToValue(o.spec(), DeploymentSpec.class);
            workload(ref, name, s.selector(), s.template(), null, pods, problems);
          }
          case "Job" -> {
            JobSpec s = YAML.treeToValue(o.spec(), JobSpec.class);
            // A Job's pods have no selector of ours; they are checked as a workload's.
            Map<String, String> l =
                s.template() == null || s.template().metadata() == null
                    ? Map.of()
                    : s.template().metadata().labels();
            workload(ref, name, new Selector(l), s.template(), null, pods, problems);
          }
          case "Service" -> {
            services.put(name, YAML.treeToValue(o.spec(), ServiceSpec.class));
            serviceLabels.put(name, labels);
          }
          case "PersistentVolumeClaim" -> YAML.treeToValue(o.spec(), PvcSpec.class);
          case "PodDisruptionBudget" -> pdbs.put(name, YAML.treeToValue(o.spec(), PdbSpec.class));
          case "ConfigMap" -> configMaps.put(name, bytes(o.data(), false));
          case "Secret" -> {
            Map<String, byte[]> files = bytes(o.data(), true);
            files.putAll(bytes(o.stringData(), false));
            secrets.put(name, files);
          }
          case "NetworkPolicy" ->
              checkNetworkPolicy(
                  ref, YAML.treeToValue(o.spec(), NetworkPolicySpec.class), problems);
          case "Prometheus" ->
              prometheuses.put(name, YAML.treeToValue(o.spec(), PrometheusSpec.class));
          case "ServiceMonitor" ->
              serviceMonitors.put(name, YAML.treeToValue(o.spec(), ServiceMonitorSpec.class));
          case "PrometheusRule" ->
              checkRules(ref, YAML.treeToValue(o.spec(), PrometheusRuleSpec.class), problems);
          default -> throw new AssertionError(o.kind());
        }
      } catch (IOException | RuntimeException e) {
        problems.add(ref + ": spec does not parse: " + firstLine(e));
      }
    }
    // The pods the Operator makes of each Prometheus, then kube-prometheus' own.
    for (Map.Entry<String, PrometheusSpec> e : prometheuses.entrySet()) {
      pods.add(operatorPods(e.getKey(), e.getValue(), secrets, scratch, problems));
    }
    pods.addAll(OperatorPods.kubePrometheus());
    Render render =
        new Render(
            pods,
            services,
            serviceLabels,
            configMaps,
            secrets,
            namespaces,
            replicaLabels(pods, prometheuses),
            partial);
    for (Map.Entry<String, ServiceSpec> e : services.entrySet()) {
      checkService("Service/" + e.getKey(), e.getValue(), pods, problems);
    }
    checkNodePorts(services, problems);
    for (Map.Entry<String, PdbSpec> e : pdbs.entrySet()) {
      Selector sel = e.getValue().selector();
      if (sel == null || sel.matchLabels() == null || sel.matchLabels().isEmpty()) {
        problems.add("PodDisruptionBudget/" + e.getKey() + ": no selector");
      } else if (pods.stream().noneMatch(p -> matches(sel.matchLabels(), p.labels()))) {
        problems.add("PodDisruptionBudget/" + e.getKey() + ": selector matches no pods");
      }
    }
    for (Map.Entry<String, ServiceMonitorSpec> e : serviceMonitors.entrySet()) {
      checkServiceMonitor("ServiceMonitor/" + e.getKey(), e.getValue(), render, problems);
    }
    for (Map.Entry<String, PrometheusSpec> e : prometheuses.entrySet()) {
      checkRemoteWrite("Prometheus/" + e.getKey(), e.getValue(), render, problems);
    }
    for (Pods p : pods) {
      if (p.origin() == Pods.Origin.MANIFEST && p.statefulSet() != null) {
        ServiceSpec governing = services.get(p.statefulSet().serviceName());
        if (governing == null || !"None".equals(governing.clusterIP())) {
          problems.add(p.ref() + ": serviceName is not a headless Service of the render");
        } else if (!matches(governing.selector(), p.labels())) {
          problems.add(p.ref() + ": its headless Service does not select its pods");
        }
      }
      for (Container c : p.checked()) {
        checkContainer(p, c, render, scratch, problems);
      }
    }
    if (pods.stream().noneMatch(p -> p.origin() != Pods.Origin.EXTERNAL)
        && !docs.isEmpty()
        && !partial) {
      problems.add("no workload in the render");
    }
    // The Operator's sidecar is checked once per argument variant: one line per problem.
    return new ArrayList<>(new LinkedHashSet<>(problems));
  }

  /** Whether a container runs the gateway's image (any registry and tag). */
  static boolean isGateway(Container c) {
    if (c.image() == null) {
      return false;
    }
    String repo = c.image().split("@")[0];
    int slash = repo.lastIndexOf('/');
    int colon = repo.lastIndexOf(':');
    if (colon > slash) {
      repo = repo.substring(0, colon);
    }
    return repo.substring(slash + 1).equals("rwgateway");
  }

  /**
   * The pods of a Prometheus resource. Its Thanos sidecar gets the objstore YAML from the Secret
   * the resource names (an example bucket when the render lacks the Secret, as for workloads).
   */
  private static Pods operatorPods(
      String name,
      PrometheusSpec spec,
      Map<String, Map<String, byte[]>> secrets,
      Path scratch,
      List<String> problems) {
    String ref = "Prometheus/" + name;
    ThanosSpec t = spec.thanos();
    String objstore =
        "type: FILESYSTEM\nconfig:\n  directory: " + scratch.resolve(name + "-bucket") + "\n";
    if (t != null) {
      if (t.image() == null
          || !isGateway(
              new Container(
                  null, t.image(), null, null, null, null, null, null, null, null, null, null))) {
        problems.add(ref + ": spec.thanos.image " + t.image() + " is not the rwgateway image");
      }
      if (t.objectStorageConfig() != null) {
        Map<String, byte[]> secret = secrets.get(t.objectStorageConfig().name());
        if (secret != null) {
          byte[] yaml = secret.get(t.objectStorageConfig().key());
          if (yaml == null) {
            problems.add(
                ref
                    + ": Secret "
                    + t.objectStorageConfig().name()
                    + " has no key "
                    + t.objectStorageConfig().key());
          } else {
            objstore = new String(yaml, StandardCharsets.UTF_8);
          }
        }
      }
      for (String a : OperatorPods.refusedAdditionalArgs(spec)) {
        problems.add(ref + ": the Operator refuses additionalArgs --" + a + " (it sets it itself)");
      }
      secrets.put(
          OperatorPods.httpClientSecret(name),
          Map.of(OperatorPods.HTTP_CLIENT_KEY, OperatorPods.HTTP_CLIENT_FILE));
    }
    return OperatorPods.prometheus(name, spec, objstore);
  }

  /**
   * The labels that tell replicas of the same series apart in this render: each Prometheus' replica
   * label, and each receiver's --label whose value is its pod name.
   */
  private static Set<String> replicaLabels(
      List<Pods> pods, Map<String, PrometheusSpec> prometheuses) {
    Set<String> out = new TreeSet<>();
    for (PrometheusSpec p : prometheuses.values()) {
      String l = p.replicaExternalLabelName();
      if (l == null) {
        out.add("prometheus_replica");
      } else if (!l.isEmpty()) {
        out.add(l);
      }
    }
    for (Pods p : pods) {
      if (p.origin() != Pods.Origin.MANIFEST) {
        continue;
      }
      for (Container c : p.checked()) {
        List<String> args = c.args() == null ? List.of() : c.args();
        if (!isGateway(c) || args.isEmpty() || !args.get(0).equals("receive")) {
          continue;
        }
        for (String a : args) {
          if (a.startsWith("--label=") && a.contains("$(POD_NAME)")) {
            out.add(a.substring("--label=".length(), a.indexOf('=', "--label=".length())));
          }
        }
      }
    }
    return out;
  }

  /** NodePorts: only on NodePort and LoadBalancer Services, in the default range, not shared. */
  private static void checkNodePorts(Map<String, ServiceSpec> services, List<String> problems) {
    Map<Integer, String> used = new TreeMap<>();
    for (Map.Entry<String, ServiceSpec> e : services.entrySet()) {
      String ref = "Service/" + e.getKey();
      String type = e.getValue().type() == null ? "ClusterIP" : e.getValue().type();
      for (ServicePort port :
          e.getValue().ports() == null ? List.<ServicePort>of() : e.getValue().ports()) {
        Integer n = port.nodePort();
        if (n == null) {
          continue;
        }
        if (!type.equals("NodePort") && !type.equals("LoadBalancer")) {
          problems.add(ref + ": nodePort " + n + " on a Service of type " + type);
        }
        if (n < 30000 || n > 32767) {
          problems.add(ref + ": nodePort " + n + " outside 30000-32767 (the default range)");
        }
        String other = used.put(n, ref);
        if (other != null) {
          problems.add(ref + ": nodePort " + n + " is also used by " + other);
        }
      }
    }
  }

  private static void checkNetworkPolicy(
      String ref, NetworkPolicySpec spec, List<String> problems) {
    if (spec.podSelector() == null) {
      problems.add(ref + ": no podSelector (use {} for every pod of the namespace)");
    }
    for (String t : spec.policyTypes() == null ? List.<String>of() : spec.policyTypes()) {
      if (!t.equals("Ingress") && !t.equals("Egress")) {
        problems.add(ref + ": policyType " + t + " is neither Ingress nor Egress");
      }
    }
  }

  /** A rule group's rules: each records or alerts, has an expression, and only alerts wait. */
  private static void checkRules(String ref, PrometheusRuleSpec spec, List<String> problems) {
    if (spec.groups() == null || spec.groups().isEmpty()) {
      problems.add(ref + ": no rule groups");
      return;
    }
    Set<String> names = new TreeSet<>();
    for (RuleGroup g : spec.groups()) {
      if (g.name() == null || !names.add(g.name())) {
        problems.add(ref + ": a group without a name, or a repeated one: " + g.name());
      }
      for (Rule r : g.rules() == null ? List.<Rule>of() : g.rules()) {
        String what = r.alert() != null ? "alert " + r.alert() : "record " + r.record();
        if ((r.alert() == null) == (r.record() == null)) {
          problems.add(ref + " group " + g.name() + ": a rule needs one of record and alert");
        }
        if (r.expr() == null || r.expr().isBlank()) {
          problems.add(ref + " group " + g.name() + " " + what + ": no expr");
        }
        if (r.record() != null && (r.forDuration() != null || r.annotations() != null)) {
          problems.add(
              ref + " group " + g.name() + " " + what + ": for/annotations on a recording rule");
        }
      }
    }
  }

  /** The Services of the render a ServiceMonitor selects (same namespace: ours carry none). */
  private static void checkServiceMonitor(
      String ref, ServiceMonitorSpec sm, Render render, List<String> problems) {
    if (sm.selector() == null) {
      problems.add(ref + ": no selector");
      return;
    }
    List<String> selected =
        render.serviceLabels().entrySet().stream()
            .filter(e -> sm.selector().matches(e.getValue()))
            .map(Map.Entry::getKey)
            .toList();
    if (selected.isEmpty() && !render.partial()) {
      problems.add(ref + ": selector matches no Service of the render");
    }
    if (sm.endpoints() == null || sm.endpoints().isEmpty()) {
      problems.add(ref + ": no endpoints");
      return;
    }
    for (ScrapeEndpoint ep : sm.endpoints()) {
      if (ep.port() == null) {
        problems.add(ref + ": an endpoint without a port name (the Service port to scrape)");
        continue;
      }
      if (ep.path() != null && !ep.path().equals("/metrics")) {
        problems.add(ref + ": path " + ep.path() + ", but the gateway serves /metrics");
      }
      for (String svc : selected) {
        ServiceSpec s = render.services().get(svc);
        ServicePort port = servicePort(s, ep.port());
        if (port == null) {
          problems.add(ref + ": port " + ep.port() + " is no port of Service/" + svc);
        } else {
          for (String podRef : podsNotReachedOn(s, port, "http", render)) {
            problems.add(
                ref
                    + ": port "
                    + ep.port()
                    + " of Service/"
                    + svc
                    + " is not a gateway's http port (the one serving /metrics) in "
                    + podRef);
          }
        }
        String component = render.serviceLabels().get(svc).get("app.kubernetes.io/component");
        String job = "thanos-" + component;
        boolean relabelled =
            ep.relabelings() != null
                && ep.relabelings().stream()
                    .anyMatch(
                        r ->
                            "job".equals(r.targetLabel())
                                && job.equals(r.replacement())
                                && (r.action() == null || r.action().equals("replace"))
                                && (r.sourceLabels() == null || r.sourceLabels().isEmpty()));
        if (!relabelled) {
          problems.add(
              ref
                  + ": job is not relabelled to "
                  + job
                  + " for Service/"
                  + svc
                  + " (the Thanos mixin selects jobs by these names)");
        }
      }
    }
  }

  private static final Set<String> REMOTE_WRITE_PATHS = Set.of("/api/v1/receive", "/api/v1/write");

  /** Each remote-write URL reaches a receiver's remote-write port through a Service. */
  private static void checkRemoteWrite(
      String ref, PrometheusSpec spec, Render render, List<String> problems) {
    for (RemoteWriteSpec rw :
        spec.remoteWrite() == null ? List.<RemoteWriteSpec>of() : spec.remoteWrite()) {
      URI u;
      try {
        u = URI.create(rw.url());
      } catch (RuntimeException e) {
        problems.add(ref + ": remoteWrite url " + rw.url() + " is no URL");
        continue;
      }
      if (!REMOTE_WRITE_PATHS.contains(u.getPath())) {
        problems.add(ref + ": remoteWrite path " + u.getPath() + " is not " + REMOTE_WRITE_PATHS);
      }
      String[] host = u.getHost() == null ? new String[] {""} : u.getHost().split("\\.");
      String svc = host[0];
      if (host.length > 1) {
        checkNamespace(ref + ": remoteWrite url " + rw.url(), host[1], render, problems);
      }
      if (host.length > 2
          && !u.getHost().endsWith(".svc")
          && !u.getHost().endsWith(".svc.cluster.local")) {
        problems.add(
            ref + ": remoteWrite host " + u.getHost() + " is no <service>.<namespace>.svc");
      }
      ServiceSpec s = render.services().get(svc);
      if (s == null) {
        if (!render.partial()) {
          problems.add(ref + ": remoteWrite url " + rw.url() + " names no Service of the render");
        }
        continue;
      }
      int number = u.getPort() < 0 ? 80 : u.getPort();
      ServicePort port =
          s.ports() == null
              ? null
              : s.ports().stream().filter(x -> x.port() == number).findFirst().orElse(null);
      if (port == null) {
        problems.add(ref + ": remoteWrite port " + number + " is no port of Service/" + svc);
        continue;
      }
      for (String podRef : podsNotReachedOn(s, port, "remote-write", render)) {
        problems.add(
            ref
                + ": remoteWrite port "
                + number
                + " of Service/"
                + svc
                + " is not a receiver's remote-write port in "
                + podRef);
      }
    }
  }

  /**
   * The pods {@code s} selects (their refs) where its {@code port} does not lead to a gateway
   * container's port named {@code name}: what a scrape, a remote write or a StoreAPI call through
   * that Service would miss.
   */
  private static List<String> podsNotReachedOn(
      ServiceSpec s, ServicePort port, String name, Render render) {
    String target = port.targetPort() != null ? port.targetPort() : String.valueOf(port.port());
    List<String> out = new ArrayList<>();
    for (Pods p : selectedPods(s, render.pods())) {
      Container c = containerWithPort(p, target);
      ContainerPort cp = c == null ? null : findPort(c, target);
      if (cp == null || !name.equals(cp.name()) || !isGateway(c)) {
        out.add(p.ref());
      }
    }
    return out;
  }

  /** A DNS name's namespace must be the render's (when its objects name one). */
  private static void checkNamespace(
      String what, String namespace, Render render, List<String> problems) {
    if (!render.namespaces().isEmpty() && !render.namespaces().contains(namespace)) {
      problems.add(
          what + " is in namespace " + namespace + ", the render in " + render.namespaces());
    }
  }

  private static ServicePort servicePort(ServiceSpec s, String name) {
    for (ServicePort p : s.ports() == null ? List.<ServicePort>of() : s.ports()) {
      if (name.equals(p.name())) {
        return p;
      }
    }
    return null;
  }

  private static List<Pods> selectedPods(ServiceSpec s, List<Pods> pods) {
    return pods.stream().filter(p -> matches(s.selector(), p.labels())).toList();
  }

  private static Container containerWithPort(Pods p, String nameOrNumber) {
    for (Container c : p.spec().containers()) {
      if (findPort(c, nameOrNumber) != null) {
        return c;
      }
    }
    return null;
  }

  private static void workload(
      String ref,
      String name,
      Selector selector,
      PodTemplate template,
      StatefulSetSpec sts,
      List<Pods> pods,
      List<String> problems) {
    if (template == null || template.spec() == null || template.spec().containers() == null) {
      problems.add(ref + ": no pod template with containers");
      return;
    }
    Map<String, String> labels =
        template.metadata() == null || template.metadata().labels() == null
            ? Map.of()
            : template.metadata().labels();
    if (selector == null || selector.matchLabels() == null || selector.matchLabels().isEmpty()) {
      problems.add(ref + ": no selector.matchLabels");
    } else if (!matches(selector.matchLabels(), labels)) {
      problems.add(
          ref
              + ": selector "
              + selector.matchLabels()
              + " does not match template labels "
              + labels);
    }
    pods.add(
        new Pods(
            ref,
            labels,
            template.spec(),
            sts,
            name,
            Pods.Origin.MANIFEST,
            template.spec().containers()));
  }

  private static void checkService(
      String ref, ServiceSpec s, List<Pods> pods, List<String> problems) {
    if (s.selector() == null || s.selector().isEmpty()) {
      problems.add(ref + ": no selector");
      return;
    }
    List<Pods> selected = pods.stream().filter(p -> matches(s.selector(), p.labels())).toList();
    if (selected.isEmpty()) {
      problems.add(ref + ": selector " + s.selector() + " matches no pods");
    }
    for (ServicePort port : s.ports() == null ? List.<ServicePort>of() : s.ports()) {
      String target = port.targetPort() != null ? port.targetPort() : String.valueOf(port.port());
      for (Pods p : selected) {
        boolean found = p.spec().containers().stream().anyMatch(c -> findPort(c, target) != null);
        if (!found) {
          problems.add(ref + ": targetPort " + target + " is no container port of " + p.ref());
        }
      }
    }
  }

  private static void checkContainer(
      Pods p, Container c, Render render, Path scratch, List<String> problems) {
    String ref = p.ref() + " container " + c.name();
    boolean gateway = isGateway(c);
    // probes: the gateway's own workloads need both (the Operator sets none on its sidecar)
    for (Probe probe : new Probe[] {c.readinessProbe(), c.livenessProbe()}) {
      if (probe != null && probe.httpGet() != null && findPort(c, probe.httpGet().port()) == null) {
        problems.add(ref + ": probe port " + probe.httpGet().port() + " is no container port");
      }
    }
    if (gateway
        && p.origin() == Pods.Origin.MANIFEST
        && (c.readinessProbe() == null || c.livenessProbe() == null)) {
      problems.add(ref + ": needs a readiness and a liveness probe");
    }
    // security
    PodSecurityContext podSec = p.spec().securityContext();
    SecurityContext sec = c.securityContext();
    boolean nonRoot =
        (sec != null && Boolean.TRUE.equals(sec.runAsNonRoot()))
            || (podSec != null && Boolean.TRUE.equals(podSec.runAsNonRoot()));
    if (!nonRoot) {
      problems.add(ref + ": runAsNonRoot is not true");
    }
    if (sec == null || !Boolean.TRUE.equals(sec.readOnlyRootFilesystem())) {
      problems.add(ref + ": readOnlyRootFilesystem is not true");
    }
    if (sec == null || !Boolean.FALSE.equals(sec.allowPrivilegeEscalation())) {
      problems.add(ref + ": allowPrivilegeEscalation is not false");
    }
    if (sec == null
        || sec.capabilities() == null
        || sec.capabilities().drop() == null
        || !sec.capabilities().drop().contains("ALL")) {
      problems.add(ref + ": capabilities do not drop ALL");
    }
    // resources: bin/gateway sizes the heap from the memory limit
    Resources r = c.resources();
    for (String kind : List.of("requests", "limits")) {
      Map<String, String> m =
          r == null ? null : kind.equals("requests") ? r.requests() : r.limits();
      for (String res : List.of("cpu", "memory")) {
        if (m == null || m.get(res) == null) {
          problems.add(ref + ": no " + res + " in resources." + kind);
        }
      }
    }
    if (r != null && r.requests() != null && r.limits() != null) {
      String req = r.requests().get("memory");
      String lim = r.limits().get("memory");
      if (req != null && lim != null && bytesOf(req) > bytesOf(lim)) {
        problems.add(ref + ": memory request " + req + " above its limit " + lim);
      }
      if (gateway && lim != null && bytesOf(lim) < 512L << 20) {
        problems.add(ref + ": memory limit " + lim + " below 512Mi (docs/memory.md)");
      }
    }
    if (!gateway) {
      return; // another program's arguments and files are its own
    }
    if (c.command() != null) {
      problems.add(ref + ": command replaces the image's entrypoint (bin/gateway): use args");
    }
    // the gateway's arguments
    List<String> args = c.args() == null ? List.of() : c.args();
    if (args.isEmpty()) {
      problems.add(ref + ": no args (the image's entrypoint needs a role)");
      return;
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.env() == null ? List.<EnvVar>of() : c.env()) {
      if (e.value() != null) {
        env.put(e.name(), e.value());
      } else if (e.valueFrom() != null
          && e.valueFrom().fieldRef() != null
          && "metadata.name".equals(e.valueFrom().fieldRef().fieldPath())) {
        env.put(e.name(), null); // the pod name, filled in per pod below
      }
      if (e.name().equals("GATEWAY_JAVA_OPTS") && e.value() != null && e.value().contains("-Xmx")) {
        problems.add(ref + ": -Xmx in GATEWAY_JAVA_OPTS: the heap is sized from the memory limit");
      }
    }
    // the mounted files, under the scratch directory
    Path root = scratch.resolve(p.ref().replace('/', '_') + "_" + c.name());
    Map<String, Volume> volumes = new LinkedHashMap<>();
    for (Volume v : p.spec().volumes() == null ? List.<Volume>of() : p.spec().volumes()) {
      volumes.put(v.name(), v);
    }
    List<String> mounts = new ArrayList<>();
    for (VolumeMount m : c.volumeMounts() == null ? List.<VolumeMount>of() : c.volumeMounts()) {
      mounts.add(m.mountPath());
      Volume v = volumes.get(m.name());
      boolean claim =
          p.statefulSet() != null
              && p.statefulSet().volumeClaimTemplates() != null
              && p.statefulSet().volumeClaimTemplates().stream()
                  .anyMatch(t -> t.metadata() != null && m.name().equals(t.metadata().name()));
      if (v == null && !claim) {
        problems.add(ref + ": volumeMount " + m.name() + " names no volume or claim template");
        continue;
      }
      Map<String, byte[]> files = Map.of();
      if (v != null && v.configMap() != null) {
        files = render.configMaps().get(v.configMap().name());
        if (files == null) {
          problems.add(ref + ": ConfigMap " + v.configMap().name() + " is not in the render");
          files = Map.of();
        }
      } else if (v != null && v.secret() != null) {
        // A Secret the user provides (the base names one without shipping it): its file gets an
        // example content; an overlay that renders the Secret has its own content checked.
        files = render.secrets().getOrDefault(v.secret().secretName(), Map.of());
        if (!render.secrets().containsKey(v.secret().secretName())) {
          files = new TreeMap<>();
          for (String a : args) {
            int eq = a.indexOf('=');
            String value = eq < 0 ? "" : a.substring(eq + 1);
            if (value.startsWith(m.mountPath() + "/")) {
              files.put(
                  value.substring(m.mountPath().length() + 1),
                  ("type: FILESYSTEM\nconfig:\n  directory: " + root.resolve("bucket") + "\n")
                      .getBytes(StandardCharsets.UTF_8));
            }
          }
        }
      }
      try {
        Path dir = root.resolve(m.mountPath().substring(1));
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Files.write(dir.resolve(f.getKey()), f.getValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!mounts.contains("/tmp")) {
      problems.add(ref + ": no volume at /tmp (the root filesystem is read-only)");
    }
    for (String podName : p.podNames()) {
      Map<String, String> values = new LinkedHashMap<>(env);
      values.replaceAll((k, v) -> v == null ? podName : v);
      List<String> expanded = new ArrayList<>();
      for (String a : args) {
        String e = expand(a, values, ref, problems);
        int eq = e.indexOf('=');
        if (eq > 0) {
          String value = e.substring(eq + 1);
          for (String mount : mounts) {
            if (value.equals(mount) || value.startsWith(mount + "/")) {
              e = e.substring(0, eq + 1) + root.resolve(value.substring(1));
              break;
            }
          }
        }
        expanded.add(e);
      }
      checkArgs(ref + " pod " + podName, p, c, expanded, root, render, problems);
    }
  }

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** Kubernetes' expansion of {@code $(VAR)} in args; an unknown variable stays as it is. */
  private static String expand(
      String arg, Map<String, String> env, String ref, List<String> problems) {
    Matcher m = VAR.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        problems.add(ref + ": $(" + m.group(1) + ") in args is no env variable of the container");
        v = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void checkArgs(
      String ref,
      Pods p,
      Container c,
      List<String> args,
      Path root,
      Render render,
      List<String> problems) {
    String role = args.get(0);
    switch (role) {
      case "receive" -> checkReceiveArgs(ref, p, c, args, root, render.pods(), problems);
      case "sidecar" -> checkSidecarArgs(ref, c, args, root, problems);
      case "query" -> checkQueryArgs(ref, c, args, render, problems);
      default -> problems.add(ref + ": \"" + role + "\" is no role of the gateway");
    }
  }

  private static void checkReceiveArgs(
      String ref,
      Pods p,
      Container c,
      List<String> args,
      Path root,
      List<Pods> pods,
      List<String> problems) {
    ReceiveCommand cmd = new ReceiveCommand();
    try {
      new CommandLine(cmd).parseArgs(args.subList(1, args.size()).toArray(new String[0]));
      cmd.config();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      problems.add(ref + ": gateway receive refuses its args: " + firstLine(e));
      return;
    }
    // the listeners' ports are the container's named ports
    checkFlagPort(ref, c, "remote-write", cmd.remoteWriteAddress, problems);
    checkFlagPort(ref, c, "http", cmd.httpAddress, problems);
    checkFlagPort(ref, c, "grpc", cmd.grpcAddress, problems);
    if (!cmd.tsdbPath.startsWith(root)) {
      problems.add(ref + ": --tsdb.path " + cmd.tsdbPath + " is on no volume");
    }
    if (cmd.hashringsFile == null) {
      if (cmd.localEndpoint != null) {
        problems.add(ref + ": --receive.local-endpoint without a hashring");
      }
      return;
    }
    HashringConfig ring;
    try {
      ring = HashringConfig.parse(Files.readAllBytes(cmd.hashringsFile));
    } catch (IOException | HashringConfigException e) {
      problems.add(ref + ": hashring file does not parse: " + firstLine(e));
      return;
    }
    Set<String> endpoints = new LinkedHashSet<>();
    for (HashringConfig.Ring r : ring.hashrings()) {
      for (Endpoint e : r.endpoints()) {
        endpoints.add(e.address());
      }
    }
    // every endpoint is a pod of a StatefulSet of the render, on its gRPC port, and the ring
    // names every pod of those StatefulSets
    Set<String> owners = new LinkedHashSet<>();
    for (String e : endpoints) {
      Pods owner = null;
      for (Pods q : pods) {
        if (q.statefulSet() != null && podEndpoints(q).contains(e)) {
          owner = q;
        }
      }
      if (owner == null) {
        problems.add(
            ref + ": hashring endpoint " + e + " is no <pod>.<headless service>:<grpc port>");
      } else {
        owners.add(owner.ref());
      }
    }
    for (Pods q : pods) {
      if (owners.contains(q.ref())) {
        for (String e : podEndpoints(q)) {
          if (!endpoints.contains(e)) {
            problems.add(ref + ": hashring lacks " + e + " (a pod of " + q.ref() + ")");
          }
        }
      }
    }
    if (cmd.localEndpoint != null && !endpoints.contains(cmd.localEndpoint)) {
      problems.add(
          ref + ": --receive.local-endpoint " + cmd.localEndpoint + " is not in the hashring");
    }
    if (cmd.localEndpoint != null && p.statefulSet() == null) {
      problems.add(ref + ": a local endpoint needs a StatefulSet's stable pod name");
    }
  }

  /** {@code gateway sidecar}'s parser and configuration check, as the Operator runs it. */
  private static void checkSidecarArgs(
      String ref, Container c, List<String> args, Path root, List<String> problems) {
    SidecarCommand cmd = new SidecarCommand();
    try {
      new CommandLine(cmd).parseArgs(args.subList(1, args.size()).toArray(new String[0]));
      SidecarCommand.IGNORED.check(cmd.unmatched);
      cmd.config();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      problems.add(ref + ": gateway sidecar refuses its args: " + firstLine(e));
      return;
    }
    checkFlagPort(ref, c, "http", cmd.httpAddress, problems);
    checkFlagPort(ref, c, "grpc", cmd.grpcAddress, problems);
    if (!cmd.tsdbPath.startsWith(root)) {
      problems.add(ref + ": --tsdb.path " + cmd.tsdbPath + " is on no volume");
    }
  }

  /** _port._tcp.service.namespace.svc.cluster.local, the only SRV form the gateway resolves. */
  private static final Pattern SRV_NAME =
      Pattern.compile("_([a-z0-9-]+)\\._tcp\\.([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local");

  /**
   * {@code gateway query}'s parser and configuration check; each SRV endpoint names a headless
   * Service's gRPC port in full, and the query deduplicates on every replica label of the render.
   */
  private static void checkQueryArgs(
      String ref, Container c, List<String> args, Render render, List<String> problems) {
    QueryCommand cmd = new QueryCommand();
    QueryConfig config;
    try {
      new CommandLine(cmd).parseArgs(args.subList(1, args.size()).toArray(new String[0]));
      QueryCommand.IGNORED.check(cmd.unmatched);
      config = cmd.config();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      problems.add(ref + ": gateway query refuses its args: " + firstLine(e));
      return;
    }
    checkFlagPort(ref, c, "http", config.httpAddress(), problems);
    checkFlagPort(ref, c, "grpc", config.grpcAddress(), problems);
    if (config.endpoints().isEmpty()) {
      problems.add(ref + ": no --endpoint: every query would answer empty");
    }
    for (EndpointSpec e : config.endpoints()) {
      if (e.kind() != EndpointSpec.Kind.DNS_SRV && e.kind() != EndpointSpec.Kind.DNS_SRV_NO_A) {
        continue; // host:port and dns+host:port resolve with the pod's search domains
      }
      Matcher m = SRV_NAME.matcher(e.host());
      if (!m.matches()) {
        problems.add(
            ref
                + ": endpoint "
                + e.text()
                + " is not _<port>._tcp.<service>.<namespace>.svc.cluster.local (the gateway's"
                + " SRV lookups do not use the pod's search domains)");
        continue;
      }
      checkNamespace(ref + ": endpoint " + e.text(), m.group(3), render, problems);
      ServiceSpec s = render.services().get(m.group(2));
      if (s == null) {
        if (!render.partial()) {
          problems.add(ref + ": endpoint " + e.text() + " names no Service of the render");
        }
        continue;
      }
      if (!"None".equals(s.clusterIP())) {
        problems.add(
            ref
                + ": endpoint "
                + e.text()
                + ": Service "
                + m.group(2)
                + " is not headless (its SRV record would name one address, not each pod)");
      }
      ServicePort port = servicePort(s, m.group(1));
      if (port == null) {
        problems.add(
            ref
                + ": endpoint "
                + e.text()
                + ": Service "
                + m.group(2)
                + " has no port named "
                + m.group(1));
        continue;
      }
      for (String podRef : podsNotReachedOn(s, port, "grpc", render)) {
        problems.add(
            ref
                + ": endpoint "
                + e.text()
                + " is not a gateway's gRPC (StoreAPI) port in "
                + podRef);
      }
    }
    for (String label : render.replicaLabels()) {
      if (!config.replicaLabels().contains(label)) {
        problems.add(
            ref
                + ": --query.replica-label lacks "
                + label
                + " (replicas in the render differ in it)");
      }
    }
  }

  /** {@code <pod>.<serviceName>:<grpc containerPort>} for every pod of a StatefulSet. */
  private static List<String> podEndpoints(Pods sts) {
    Integer grpc = null;
    for (Container c : sts.spec().containers()) {
      ContainerPort port = findPort(c, "grpc");
      if (port != null) {
        grpc = port.containerPort();
      }
    }
    List<String> out = new ArrayList<>();
    for (String pod : sts.podNames()) {
      out.add(pod + "." + sts.statefulSet().serviceName() + ":" + grpc);
    }
    return out;
  }

  private static void checkFlagPort(
      String ref, Container c, String portName, String address, List<String> problems) {
    ContainerPort port = findPort(c, portName);
    String flagPort = address.substring(address.lastIndexOf(':') + 1);
    if (port == null) {
      problems.add(ref + ": no container port named " + portName);
    } else if (!flagPort.equals(String.valueOf(port.containerPort()))) {
      problems.add(
          ref
              + ": container port "
              + portName
              + " is "
              + port.containerPort()
              + " but the gateway listens on "
              + address);
    }
  }

  private static ContainerPort findPort(Container c, String nameOrNumber) {
    for (ContainerPort port : c.ports() == null ? List.<ContainerPort>of() : c.ports()) {
      if (nameOrNumber.equals(port.name())
          || nameOrNumber.equals(String.valueOf(port.containerPort()))) {
        return port;
      }
    }
    return null;
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static Map<String, byte[]> bytes(Map<String, String> data, boolean base64) {
    Map<String, byte[]> out = new TreeMap<>();
    if (data != null) {
      data.forEach(
          (k, v) ->
              out.put(
                  k, base64 ? Base64.getDecoder().decode(v) : v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static final Pattern QUANTITY = Pattern.compile("([0-9]+)(Ki|Mi|Gi|Ti|k|M|G|T)?");

  /** A memory quantity in bytes (the binary and decimal suffixes manifests use). */
  static long bytesOf(String q) {
    Matcher m = QUANTITY.matcher(q);
    if (!m.matches()) {
      throw new IllegalArgumentException("memory quantity " + q);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    return switch (unit) {
      case "Ki" -> n << 10;
      case "Mi" -> n << 20;
      case "Gi" -> n << 30;
      case "Ti" -> n << 40;
      case "k" -> n * 1_000L;
      case "M" -> n * 1_000_000L;
      case "G" -> n * 1_000_000_000L;
      case "T" -> n * 1_000_000_000_000L;
      default -> n;
    };
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  // --- the tests

  @Test
  void theKustomizeDirectoriesAreFound() {
    Path k8s = repoRoot().resolve("k8s");
    List<Path> dirs = kustomizeDirs();
    assertTrue(dirs.contains(k8s.resolve("base/receive")), dirs.toString());
    assertTrue(dirs.contains(k8s.resolve("overlays/router-ingestor")), dirs.toString());
    assertTrue(dirs.contains(k8s.resolve("overlays/example-minio")), dirs.toString());
    for (String d :
        List.of(
            "base/query",
            "base/sidecar",
            "base/prometheus",
            "overlays/receive-mode",
            "overlays/sidecar-mode",
            "examples/minio")) {
      assertTrue(dirs.contains(k8s.resolve(d)), d + " in " + dirs);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyKustomizeDirectoryRendersAndPassesEveryCheck() {
    Path root = repoRoot();
    return kustomizeDirs().stream()
        .map(
            dir ->
                DynamicTest.dynamicTest(
                    root.relativize(dir).toString(),
                    () -> {
                      List<ObjectNode> docs = parseDocuments(render(dir));
                      Path scratch = Files.createTempDirectory("k8s-check");
                      try {
                        assertEquals(
                            List.of(), check(docs, scratch, partial(dir)), "problems in " + dir);
                      } finally {
                        deleteTree(scratch);
                      }
                    }));
  }

  // Each case below breaks one thing in the rendered base and expects the problem it causes.

  private static final Set<Path> INTACT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static String problemsAfter(Path scratch, Consumer<List<ObjectNode>> breakIt)
      throws Exception {
    return problemsAfter(scratch, "k8s/base/receive", breakIt);
  }

  private static String problemsAfter(
      Path scratch, String dirName, Consumer<List<ObjectNode>> breakIt) throws Exception {
    Path dir = repoRoot().resolve(dirName);
    List<ObjectNode> docs = parseDocuments(render(dir));
    if (!INTACT.contains(dir)) {
      // Once per directory: the cases' problems must come from what they break.
      assertEquals(
          List.of(), check(docs, scratch.resolve("intact"), partial(dir)), "intact " + dir);
      INTACT.add(dir);
    }
    breakIt.accept(docs);
    List<String> problems = check(docs, scratch.resolve("broken"), partial(dir));
    assertTrue(!problems.isEmpty(), "the broken manifest passed");
    return String.join("\n", problems);
  }

  private static ObjectNode find(List<ObjectNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered"));
  }

  private static ObjectNode gateway(List<ObjectNode> docs) {
    return (ObjectNode)
        find(docs, "StatefulSet", "receive-default").at("/spec/template/spec/containers/0");
  }

  private static void replaceArg(List<ObjectNode> docs, String prefix, String replacement) {
    ArrayNode args = (ArrayNode) gateway(docs).get("args");
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).asText().startsWith(prefix)) {
        args.set(i, TextNode.valueOf(replacement));
        return;
      }
    }
    throw new AssertionError("no arg " + prefix);
  }

  private static void assertContains(String problems, String expected) {
    assertTrue(problems.contains(expected), "expected \"" + expected + "\" in:\n" + problems);
  }

  @Test
  void anUnknownFieldIsRejected(@TempDir Path tmp) throws Exception {
    String p = problemsAfter(tmp, d -> gateway(d).put("readinesProbe", "x"));
    assertContains(p, "does not parse");
    assertContains(p, "readinesProbe");
  }

  @Test
  void anUnexpectedKindOrApiVersionIsReported(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp, d -> find(d, "PodDisruptionBudget", "receive-default").put("apiVersion", "v1")),
        "apiVersion v1, expected policy/v1");
    assertContains(
        problemsAfter(tmp, d -> find(d, "ConfigMap", "receive-hashring").put("kind", "Ingress")),
        "kind not expected");
  }

  @Test
  void selectorsMustMatchPodLabels(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode)
                        find(d, "StatefulSet", "receive-default")
                            .at("/spec/template/metadata/labels"))
                    .put("rwgateway.io/hashring", "other")),
        "does not match template labels");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) find(d, "Service", "receive").get("spec").get("selector"))
                    .put("app.kubernetes.io/component", "query")),
        "Service/receive: selector");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode)
                        find(d, "PodDisruptionBudget", "receive-default")
                            .at("/spec/selector/matchLabels"))
                    .put("app.kubernetes.io/name", "x")),
        "selector matches no pods");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) find(d, "StatefulSet", "receive-default").get("spec"))
                    .put("serviceName", "receive")),
        "serviceName is not a headless Service");
  }

  @Test
  void portsMustAgree(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) find(d, "Service", "receive").at("/spec/ports/0"))
                    .put("targetPort", "grpcx")),
        "targetPort grpcx is no container port");
    assertContains(
        problemsAfter(
            tmp, d -> ((ObjectNode) gateway(d).at("/readinessProbe/httpGet")).put("port", 9090)),
        "probe port 9090 is no container port");
    assertContains(
        problemsAfter(tmp, d -> replaceArg(d, "--http-address=", "--http-address=0.0.0.0:9090")),
        "container port http is 10902 but the gateway listens on 0.0.0.0:9090");
  }

  @Test
  void theArgsMustBeAcceptedByTheFlagParser(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            d -> replaceArg(d, "--receive.replication-factor", "--receive.replication-factr=3")),
        "gateway receive refuses its args: Unknown option: '--receive.replication-factr=3'");
    assertContains(
        problemsAfter(tmp, d -> replaceArg(d, "--tsdb.retention", "--tsdb.wal.sync=sometimes")),
        "--tsdb.wal.sync must be batch or interval");
    assertContains(
        problemsAfter(tmp, d -> replaceArg(d, "--label=", "--label=replica=\"$(NODE_NAME)\"")),
        "$(NODE_NAME) in args is no env variable");
    assertContains(
        problemsAfter(tmp, d -> replaceArg(d, "--tsdb.path=", "--tsdb.path=/var/data")),
        "--tsdb.path /var/data is on no volume");
  }

  @Test
  void theHashringMustParseAndNameThePods(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) find(d, "ConfigMap", "receive-hashring").get("data"))
                    .put("hashrings.json", "[{\"endpoints\": []}]")),
        "hashring file does not parse");
    assertContains(
        problemsAfter(
            tmp,
            d -> {
              ObjectNode data = (ObjectNode) find(d, "ConfigMap", "receive-hashring").get("data");
              data.put(
                  "hashrings.json",
                  data.get("hashrings.json")
                      .asText()
                      .replace(
                          "receive-default-2.receive-default:10901", "receive-2.receive:10901"));
            }),
        "hashring endpoint receive-2.receive:10901 is no <pod>");
    assertContains(
        problemsAfter(
            tmp,
            d -> {
              ObjectNode data = (ObjectNode) find(d, "ConfigMap", "receive-hashring").get("data");
              data.put(
                  "hashrings.json",
                  data.get("hashrings.json")
                      .asText()
                      .replace(",\n      \"receive-default-2.receive-default:10901\"", ""));
            }),
        "hashring lacks receive-default-2.receive-default:10901");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                replaceArg(
                    d,
                    "--receive.local-endpoint",
                    "--receive.local-endpoint=$(POD_NAME).receive-default:10902")),
        "--receive.local-endpoint receive-default-0.receive-default:10902 is not in the hashring");
  }

  @Test
  void securityAndResourcesAreRequired(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) gateway(d).get("securityContext"))
                    .put("readOnlyRootFilesystem", false)),
        "readOnlyRootFilesystem is not true");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode)
                        find(d, "StatefulSet", "receive-default")
                            .at("/spec/template/spec/securityContext"))
                    .remove("runAsNonRoot")),
        "runAsNonRoot is not true");
    assertContains(
        problemsAfter(
            tmp,
            d ->
                ((ObjectNode) gateway(d).at("/securityContext/capabilities"))
                    .putArray("drop")
                    .add("NET_RAW")),
        "capabilities do not drop ALL");
    assertContains(
        problemsAfter(tmp, d -> ((ObjectNode) gateway(d).get("resources")).remove("limits")),
        "no memory in resources.limits");
    assertContains(
        problemsAfter(
            tmp, d -> ((ObjectNode) gateway(d).at("/resources/requests")).put("memory", "3Gi")),
        "memory request 3Gi above its limit 2Gi");
    assertContains(
        problemsAfter(
            tmp,
            d -> {
              ArrayNode mounts = (ArrayNode) gateway(d).get("volumeMounts");
              for (int i = 0; i < mounts.size(); i++) {
                if (mounts.get(i).path("mountPath").asText().equals("/tmp")) {
                  mounts.remove(i);
                  return;
                }
              }
            }),
        "no volume at /tmp");
  }

  // The cases below break the rendered overlays and their Prometheus Operator resources.

  private static final String RECEIVE_MODE = "k8s/overlays/receive-mode";

  private static final String SIDECAR_MODE = "k8s/overlays/sidecar-mode";

  private static final String SIDECAR_CR = "rwgateway-sidecar";

  private static ObjectNode thanos(List<ObjectNode> docs) {
    return (ObjectNode) find(docs, "Prometheus", SIDECAR_CR).at("/spec/thanos");
  }

  private static ArrayNode queryArgs(List<ObjectNode> docs) {
    return (ArrayNode)
        find(docs, "Deployment", "query").at("/spec/template/spec/containers/0/args");
  }

  private static void replaceIn(ArrayNode args, String prefix, String replacement) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).asText().startsWith(prefix)) {
        args.set(i, TextNode.valueOf(replacement));
        return;
      }
    }
    throw new AssertionError("no arg " + prefix);
  }

  private static ObjectNode endpoint(List<ObjectNode> docs, String serviceMonitor) {
    return (ObjectNode) find(docs, "ServiceMonitor", serviceMonitor).at("/spec/endpoints/0");
  }

  private static ObjectNode remoteWrite(List<ObjectNode> docs) {
    return (ObjectNode)
        find(docs, "Prometheus", "rwgateway-remote-write").at("/spec/remoteWrite/0");
  }

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void operatorResourcesParseIntoTheirDocumentedFields(@TempDir Path tmp) throws Exception {
    String p = problemsAfter(tmp, SIDECAR_MODE, d -> thanos(d).putObject("objectStorageConfg"));
    assertContains(p, "Prometheus/" + SIDECAR_CR + ": spec does not parse");
    assertContains(p, "objectStorageConfg");
    assertContains(
        problemsAfter(tmp, RECEIVE_MODE, d -> endpoint(d, "receive").put("intervall", "30s")),
        "ServiceMonitor/receive: spec does not parse");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                find(d, "ServiceMonitor", "query")
                    .put("apiVersion", "monitoring.coreos.com/v1alpha1")),
        "apiVersion monitoring.coreos.com/v1alpha1, expected monitoring.coreos.com/v1");
    String rule =
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\n"
            + "spec:\n  groups:\n    - name: g\n      rules:\n";
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d -> d.add(yaml(rule + "        - {record: a, alert: B, expr: up}\n"))),
        "a rule needs one of record and alert");
    assertContains(
        problemsAfter(
            tmp, RECEIVE_MODE, d -> d.add(yaml(rule + "        - {alert: B, expresion: up}\n"))),
        "PrometheusRule/r: spec does not parse");
  }

  @Test
  void theSidecarGetsTheOperatorsArgumentsAndOurParserTakesThem(@TempDir Path tmp)
      throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                thanos(d)
                    .putArray("additionalArgs")
                    .addObject()
                    .put("name", "shipper.upload-compactd")),
        "gateway sidecar refuses its args: unknown flag --shipper.upload-compactd");
    assertContains(
        problemsAfter(tmp, SIDECAR_MODE, d -> thanos(d).put("minTime", "yesterday")),
        "--min-time \"yesterday\"");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                thanos(d)
                    .putArray("additionalArgs")
                    .addObject()
                    .put("name", "tsdb.path")
                    .put("value", "/data")),
        "the Operator refuses additionalArgs --tsdb.path");
    assertContains(
        problemsAfter(
            tmp, SIDECAR_MODE, d -> thanos(d).put("image", "quay.io/thanos/thanos:v0.39.2")),
        "spec.thanos.image quay.io/thanos/thanos:v0.39.2 is not the rwgateway image");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d -> ((ObjectNode) thanos(d).get("objectStorageConfig")).put("key", "objstore.yaml")),
        "Secret rwgateway-objstore has no key objstore.yaml");
    assertContains(
        problemsAfter(tmp, SIDECAR_MODE, d -> thanos(d).remove("volumeMounts")),
        "container thanos-sidecar: no volume at /tmp");
    assertContains(
        problemsAfter(
            tmp, SIDECAR_MODE, d -> ((ObjectNode) thanos(d).get("resources")).remove("limits")),
        "container thanos-sidecar: no memory in resources.limits");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                ((ObjectNode) find(d, "Prometheus", SIDECAR_CR).at("/spec/securityContext"))
                    .remove("runAsNonRoot")),
        "container thanos-sidecar: runAsNonRoot is not true");
  }

  @Test
  void theOperatorBuildsTheSidecarArgumentsOfThanos() throws Exception {
    PrometheusSpec spec =
        YAML.treeToValue(
            find(parseDocuments(render(repoRoot().resolve(SIDECAR_MODE))), "Prometheus", SIDECAR_CR)
                .get("spec"),
            PrometheusSpec.class);
    List<String> common =
        List.of(
            "sidecar",
            "--prometheus.url=http://localhost:9090/",
            "--grpc-address=:10901",
            "--http-address=:10902",
            "--objstore.config=$(OBJSTORE_CONFIG)",
            "--tsdb.path=/prometheus");
    List<String> httpClient =
        List.of(
            "--prometheus.http-client-file=/etc/thanos/config/prometheus.http-client-file.yaml");
    List<String> off = new ArrayList<>(common);
    off.addAll(httpClient);
    assertEquals(off, OperatorPods.sidecarArgs(spec, false), "compaction off");
    List<String> delayed = new ArrayList<>(common);
    delayed.add("--shipper.meta-file-name=thanos.shipper.json");
    delayed.add("--shipper.ignore-unequal-block-size");
    delayed.addAll(httpClient);
    assertEquals(delayed, OperatorPods.sidecarArgs(spec, true), "compaction after upload");
  }

  @Test
  void theQueryReadsHeadlessGrpcPortsAndDeduplicatesEveryReplicaLabel(@TempDir Path tmp)
      throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--query.replica-label=prometheus_replica",
                    "--query.replica-lable=prometheus_replica")),
        "gateway query refuses its args: unknown flag --query.replica-lable");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--query.replica-label=prometheus_replica",
                    "--query.timeout=1m")),
        "--query.replica-label lacks prometheus_replica");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                replaceIn(
                    queryArgs(d), "--endpoint=", "--endpoint=dnssrv+_grpc._tcp.thanos-sidecar")),
        "is not _<port>._tcp.<service>.<namespace>.svc.cluster.local");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--endpoint=",
                    "--endpoint=dnssrv+_http._tcp.receive-default.monitoring.svc.cluster.local")),
        "is not a gateway's gRPC (StoreAPI) port in StatefulSet/receive-default");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--endpoint=",
                    "--endpoint=dnssrv+_grpc._tcp.receive.monitoring.svc.cluster.local")),
        "Service receive is not headless");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--endpoint=",
                    "--endpoint=dnssrv+_grpc._tcp.receive-default.default.svc.cluster.local")),
        "is in namespace default, the render in [monitoring]");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                replaceIn(
                    queryArgs(d),
                    "--endpoint=",
                    "--endpoint=dnssrv+_grpc._tcp.receive-default.monitoring.svc.cluster.local")),
        "names no Service of the render");
  }

  @Test
  void serviceMonitorsScrapeTheGatewaysMetricsPortAsTheMixinsJobs(@TempDir Path tmp)
      throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                ((ObjectNode) find(d, "ServiceMonitor", "query").at("/spec/selector/matchLabels"))
                    .put("app.kubernetes.io/component", "querier")),
        "ServiceMonitor/query: selector matches no Service of the render");
    assertContains(
        problemsAfter(tmp, RECEIVE_MODE, d -> endpoint(d, "receive").put("port", "grpc")),
        "port grpc of Service/receive-default is not a gateway's http port");
    assertContains(
        problemsAfter(tmp, SIDECAR_MODE, d -> endpoint(d, "thanos-sidecar").put("port", "web")),
        "port web is no port of Service/thanos-sidecar");
    assertContains(
        problemsAfter(tmp, RECEIVE_MODE, d -> endpoint(d, "receive").put("path", "/metric")),
        "path /metric, but the gateway serves /metrics");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d ->
                ((ObjectNode) endpoint(d, "receive").at("/relabelings/0"))
                    .put("replacement", "receive")),
        "job is not relabelled to thanos-receive for Service/receive-default");
  }

  @Test
  void remoteWriteReachesAReceiversRemoteWritePort(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d -> remoteWrite(d).put("url", "http://receive.monitoring.svc:10902/api/v1/receive")),
        "remoteWrite port 10902 of Service/receive is not a receiver's remote-write port");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d -> remoteWrite(d).put("url", "http://receive.monitoring.svc:19292/api/v1/receive")),
        "remoteWrite port 19292 is no port of Service/receive");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d -> remoteWrite(d).put("url", "http://receive.monitoring.svc:19291/api/v1/push")),
        "remoteWrite path /api/v1/push");
    assertContains(
        problemsAfter(
            tmp,
            RECEIVE_MODE,
            d -> remoteWrite(d).put("url", "http://recieve.monitoring.svc:19291/api/v1/receive")),
        "names no Service of the render");
  }

  @Test
  void servicesSelectTheOperatorsAndKubePrometheusPods(@TempDir Path tmp) throws Exception {
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                ((ObjectNode) find(d, "Service", "thanos-sidecar").at("/spec/selector"))
                    .put("prometheus", "k8s")),
        "Service/thanos-sidecar: targetPort grpc is no container port of kube-prometheus Prometheus/k8s");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d ->
                ((ObjectNode) find(d, "Service", "thanos-sidecar").at("/spec/selector"))
                    .put("prometheus", "main")),
        "Service/thanos-sidecar: selector {app.kubernetes.io/name=prometheus, prometheus=main} matches no pods");
  }

  private static final String NODE_PORT =
      "apiVersion: v1\nkind: Service\nmetadata: {name: grafana-nodeport}\nspec:\n"
          + "  type: NodePort\n  selector: {app.kubernetes.io/name: grafana}\n"
          + "  ports: [{name: http, port: 3000, targetPort: http, nodePort: 30300}]\n";

  private static final String NETWORK_POLICY =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: query}\nspec:\n"
          + "  podSelector: {matchLabels: {app.kubernetes.io/component: query}}\n"
          + "  policyTypes: [Ingress]\n"
          + "  ingress:\n"
          + "    - from: [{podSelector: {matchLabels: {app.kubernetes.io/name: grafana}}}]\n"
          + "      ports: [{protocol: TCP, port: http}, {port: 10901}]\n";

  @Test
  void nodePortsAndNetworkPolicies(@TempDir Path tmp) throws Exception {
    // Well-formed ones pass (the manifests of k8s/base/nodeports and network-policies look so).
    List<ObjectNode> docs = parseDocuments(render(repoRoot().resolve(SIDECAR_MODE)));
    docs.add(yaml(NODE_PORT));
    docs.add(yaml(NETWORK_POLICY));
    assertEquals(List.of(), check(docs, tmp.resolve("fine")));
    assertContains(
        problemsAfter(tmp, SIDECAR_MODE, d -> d.add(yaml(NODE_PORT.replace("30300", "3000")))),
        "nodePort 3000 outside 30000-32767");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d -> d.add(yaml(NODE_PORT.replace("type: NodePort", "type: ClusterIP")))),
        "nodePort 30300 on a Service of type ClusterIP");
    assertContains(
        problemsAfter(
            tmp,
            SIDECAR_MODE,
            d -> d.add(yaml(NETWORK_POLICY.replace("podSelector: {match", "podSelecter: {match")))),
        "NetworkPolicy/query: spec does not parse");
    assertContains(
        problemsAfter(
            tmp, SIDECAR_MODE, d -> d.add(yaml(NETWORK_POLICY.replace("[Ingress]", "[Ingres]")))),
        "policyType Ingres is neither Ingress nor Egress");
  }
}
