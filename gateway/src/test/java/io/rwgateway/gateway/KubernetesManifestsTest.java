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
import io.rwgateway.hashring.Endpoint;
import io.rwgateway.hashring.HashringConfig;
import io.rwgateway.hashring.HashringConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * requests and limits. The cases at the end break a rendered manifest to show each check fails.
 */
class KubernetesManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, String> API_VERSIONS =
      Map.of(
          "ConfigMap", "v1",
          "Secret", "v1",
          "Service", "v1",
          "StatefulSet", "apps/v1",
          "Deployment", "apps/v1",
          "PodDisruptionBudget", "policy/v1",
          "NetworkPolicy", "networking.k8s.io/v1");

  // --- the subset of the Kubernetes schema the manifests use; anything else is an unknown field

  record Obj(
      String apiVersion,
      String kind,
      Meta metadata,
      JsonNode spec,
      Map<String, String> data,
      Map<String, String> stringData,
      String type) {}

  record Meta(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  record Selector(Map<String, String> matchLabels) {}

  record StatefulSetSpec(
      Integer replicas,
      String serviceName,
      String podManagementPolicy,
      Selector selector,
      PodTemplate template,
      List<Pvc> volumeClaimTemplates) {}

  record DeploymentSpec(Integer replicas, Selector selector, PodTemplate template) {}

  record PodTemplate(Meta metadata, PodSpec spec) {}

  record PodSpec(
      Integer terminationGracePeriodSeconds,
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
      List<String> args,
      List<EnvVar> env,
      List<ContainerPort> ports,
      Probe readinessProbe,
      Probe livenessProbe,
      Resources resources,
      SecurityContext securityContext,
      List<VolumeMount> volumeMounts) {}

  record EnvVar(String name, String value, EnvSource valueFrom) {}

  record EnvSource(FieldRef fieldRef) {}

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

  record Volume(String name, EmptyDir emptyDir, ConfigMapVolume configMap, SecretVolume secret) {}

  record EmptyDir(String medium, String sizeLimit) {}

  record ConfigMapVolume(String name) {}

  record SecretVolume(String secretName) {}

  record Pvc(Meta metadata, PvcSpec spec) {}

  record PvcSpec(List<String> accessModes, Resources resources, String storageClassName) {}

  record ServiceSpec(
      String type,
      String clusterIP,
      Boolean publishNotReadyAddresses,
      Map<String, String> selector,
      List<ServicePort> ports) {}

  record ServicePort(String name, int port, String targetPort, String protocol, Integer nodePort) {}

  record PdbSpec(String maxUnavailable, String minAvailable, Selector selector) {}

  // NetworkPolicy: what k8s/base/network-policies and k8s/base/nodeports use;
  // NetworkPolicyFlowsTest
  // checks the meaning.

  record NetworkPolicySpec(
      Selector podSelector,
      List<String> policyTypes,
      List<NetworkPolicyRule> ingress,
      List<NetworkPolicyRule> egress) {}

  record NetworkPolicyRule(
      List<NetworkPolicyPeer> from, List<NetworkPolicyPeer> to, List<NetworkPolicyPort> ports) {}

  record NetworkPolicyPeer(Selector podSelector, Selector namespaceSelector, IpBlock ipBlock) {}

  record IpBlock(String cidr, List<String> except) {}

  record NetworkPolicyPort(String protocol, String port, Integer endPort) {}

  /** A workload's pods: the StatefulSet or Deployment, its pod labels and spec. */
  record Pods(
      String ref,
      Map<String, String> labels,
      PodSpec spec,
      StatefulSetSpec statefulSet,
      String name) {
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

  static String render(Path dir) throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return fail(
          "kubectl is needed to check the manifests under k8s/ (`kubectl kustomize`, no cluster):"
              + " install it (Debian/Ubuntu: apt-get install -y kubectl; otherwise"
              + " https://kubernetes.io/docs/tasks/tools/): "
              + e.getMessage());
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed:\n" + text);
    return text;
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

  static List<String> check(List<ObjectNode> docs, Path scratch) {
    List<String> problems = new ArrayList<>();
    List<Pods> pods = new ArrayList<>();
    Map<String, ServiceSpec> services = new TreeMap<>();
    Map<String, Map<String, byte[]>> configMaps = new TreeMap<>();
    Map<String, Map<String, byte[]>> secrets = new TreeMap<>();
    Map<String, PdbSpec> pdbs = new TreeMap<>();
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
        problems.add(ref + ": kind not expected here (" + API_VERSIONS.keySet() + ")");
        continue;
      }
      if (!expected.equals(o.apiVersion())) {
        problems.add(ref + ": apiVersion " + o.apiVersion() + ", expected " + expected);
      }
      if (o.metadata() == null || o.metadata().name() == null) {
        problems.add(ref + ": no metadata.name");
        continue;
      }
      String name = o.metadata().name();
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
          case "Service" -> services.put(name, YAML.treeToValue(o.spec(), ServiceSpec.class));
          case "PodDisruptionBudget" -> pdbs.put(name, YAML.treeToValue(o.spec(), PdbSpec.class));
          case "NetworkPolicy" -> YAML.treeToValue(o.spec(), NetworkPolicySpec.class);
          case "ConfigMap" -> configMaps.put(name, bytes(o.data(), false));
          case "Secret" -> {
            Map<String, byte[]> files = bytes(o.data(), true);
            files.putAll(bytes(o.stringData(), false));
            secrets.put(name, files);
          }
          default -> throw new AssertionError(o.kind());
        }
      } catch (IOException | RuntimeException e) {
        problems.add(ref + ": spec does not parse: " + firstLine(e));
      }
    }
    for (Map.Entry<String, ServiceSpec> e : services.entrySet()) {
      checkService("Service/" + e.getKey(), e.getValue(), pods, problems);
    }
    for (Map.Entry<String, PdbSpec> e : pdbs.entrySet()) {
      Selector sel = e.getValue().selector();
      if (sel == null || sel.matchLabels() == null || sel.matchLabels().isEmpty()) {
        problems.add("PodDisruptionBudget/" + e.getKey() + ": no selector");
      } else if (pods.stream().noneMatch(p -> matches(sel.matchLabels(), p.labels()))) {
        problems.add("PodDisruptionBudget/" + e.getKey() + ": selector matches no pods");
      }
    }
    for (Pods p : pods) {
      if (p.statefulSet() != null) {
        ServiceSpec governing = services.get(p.statefulSet().serviceName());
        if (governing == null || !"None".equals(governing.clusterIP())) {
          problems.add(p.ref() + ": serviceName is not a headless Service of the render");
        } else if (!matches(governing.selector(), p.labels())) {
          problems.add(p.ref() + ": its headless Service does not select its pods");
        }
      }
      for (Container c : p.spec().containers()) {
        checkContainer(p, c, pods, configMaps, secrets, scratch, problems);
      }
    }
    if (pods.isEmpty() && !docs.stream().allMatch(KubernetesManifestsTest::actsOnPodsElsewhere)) {
      problems.add("no StatefulSet or Deployment in the render");
    }
    return problems;
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
    pods.add(new Pods(ref, labels, template.spec(), sts, name));
  }

  /**
   * NetworkPolicies, and Services for pods that are not the gateway's (k8s/base/nodeports:
   * kube-prometheus' Prometheus, Grafana, Alertmanager), act on pods rendered elsewhere: a base of
   * only those has no workload of its own.
   */
  private static boolean actsOnPodsElsewhere(ObjectNode doc) {
    String kind = doc.path("kind").asText();
    return kind.equals("NetworkPolicy")
        || (kind.equals("Service")
            && !"rwgateway"
                .equals(doc.path("spec").path("selector").path("app.kubernetes.io/name").asText()));
  }

  private static boolean selectsOurPods(Map<String, String> selector) {
    return "rwgateway".equals(selector.get("app.kubernetes.io/name"));
  }

  private static void checkService(
      String ref, ServiceSpec s, List<Pods> pods, List<String> problems) {
    if (s.selector() == null || s.selector().isEmpty()) {
      problems.add(ref + ": no selector");
      return;
    }
    List<Pods> selected = pods.stream().filter(p -> matches(s.selector(), p.labels())).toList();
    if (selected.isEmpty() && selectsOurPods(s.selector())) {
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
      Pods p,
      Container c,
      List<Pods> pods,
      Map<String, Map<String, byte[]>> configMaps,
      Map<String, Map<String, byte[]>> secrets,
      Path scratch,
      List<String> problems) {
    String ref = p.ref() + " container " + c.name();
    // probes
    for (Probe probe : new Probe[] {c.readinessProbe(), c.livenessProbe()}) {
      if (probe != null && probe.httpGet() != null && findPort(c, probe.httpGet().port()) == null) {
        problems.add(ref + ": probe port " + probe.httpGet().port() + " is no container port");
      }
    }
    if (c.readinessProbe() == null || c.livenessProbe() == null) {
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
      if (lim != null && bytesOf(lim) < 512L << 20) {
        problems.add(ref + ": memory limit " + lim + " below 512Mi (docs/memory.md)");
      }
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
        files = configMaps.get(v.configMap().name());
        if (files == null) {
          problems.add(ref + ": ConfigMap " + v.configMap().name() + " is not in the render");
          files = Map.of();
        }
      } else if (v != null && v.secret() != null) {
        // A Secret the user provides (the base names one without shipping it): its file gets an
        // example content; an overlay that renders the Secret has its own content checked.
        files = secrets.getOrDefault(v.secret().secretName(), Map.of());
        if (!secrets.containsKey(v.secret().secretName())) {
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
      checkArgs(ref + " pod " + podName, p, c, expanded, root, pods, problems);
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
      List<Pods> pods,
      List<String> problems) {
    String role = args.get(0);
    if (!role.equals("receive")) {
      problems.add(ref + ": no flag check for role \"" + role + "\" yet (receive only)");
      return;
    }
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
                        assertEquals(List.of(), check(docs, scratch), "problems in " + dir);
                      } finally {
                        deleteTree(scratch);
                      }
                    }));
  }

  // Each case below breaks one thing in the rendered base and expects the problem it causes.

  private static String problemsAfter(Path scratch, Consumer<List<ObjectNode>> breakIt)
      throws Exception {
    List<ObjectNode> docs = parseDocuments(render(repoRoot().resolve("k8s/base/receive")));
    assertEquals(List.of(), check(docs, scratch.resolve("intact")), "the intact base");
    breakIt.accept(docs);
    List<String> problems = check(docs, scratch.resolve("broken"));
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
}
