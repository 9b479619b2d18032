package io.rwgateway.gateway;

import io.rwgateway.gateway.KubernetesManifestsTest.Capabilities;
import io.rwgateway.gateway.KubernetesManifestsTest.Container;
import io.rwgateway.gateway.KubernetesManifestsTest.ContainerPort;
import io.rwgateway.gateway.KubernetesManifestsTest.EmptyDir;
import io.rwgateway.gateway.KubernetesManifestsTest.EnvVar;
import io.rwgateway.gateway.KubernetesManifestsTest.PodSpec;
import io.rwgateway.gateway.KubernetesManifestsTest.Pods;
import io.rwgateway.gateway.KubernetesManifestsTest.SecretVolume;
import io.rwgateway.gateway.KubernetesManifestsTest.SecurityContext;
import io.rwgateway.gateway.KubernetesManifestsTest.StatefulSetSpec;
import io.rwgateway.gateway.KubernetesManifestsTest.Volume;
import io.rwgateway.gateway.KubernetesManifestsTest.VolumeMount;
import io.rwgateway.gateway.PrometheusOperatorModel.Argument;
import io.rwgateway.gateway.PrometheusOperatorModel.PrometheusSpec;
import io.rwgateway.gateway.PrometheusOperatorModel.ThanosSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Prometheus Operator makes of a {@code Prometheus} resource, as far as the checks need
 * it: the pods' labels, their containers' named ports and the Thanos sidecar container with the
 * arguments the Operator gives it. Read from prometheus-operator {@code
 * pkg/prometheus/server/statefulset.go} ({@code createThanosContainer}, {@code compactionModeFor}),
 * {@code operator.go} ({@code makeSelectorLabels}) and {@code thanos_sidecar_config.go}; the fields
 * used are in {@link PrometheusOperatorModel}. Also the pods kube-prometheus itself runs, which the
 * manifests' Services may select.
 */
final class OperatorPods {
  private OperatorPods() {}

  /** The Operator's mount point of Prometheus' data, passed to the sidecar as --tsdb.path. */
  static final String STORAGE_DIR = "/prometheus";

  /** Where the Operator mounts the sidecar's Prometheus HTTP client file (Thanos >= 0.24). */
  static final String HTTP_CLIENT_DIR = "/etc/thanos/config";

  static final String HTTP_CLIENT_KEY = "prometheus.http-client-file.yaml";

  /** The file's content: the Operator writes this whatever the web TLS settings. */
  static final byte[] HTTP_CLIENT_FILE =
      "tls_config:\n  insecure_skip_verify: true\n".getBytes(StandardCharsets.UTF_8);

  /** The Operator's secret holding that file, for Prometheus {@code name}. */
  static String httpClientSecret(String name) {
    return "prometheus-" + name + "-thanos-prometheus-http-client-file";
  }

  /** Labels of every pod of Prometheus {@code name} (shard 0; podMetadata cannot override them). */
  static Map<String, String> podLabels(String name, PrometheusSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (spec.podMetadata() != null && spec.podMetadata().labels() != null) {
      labels.putAll(spec.podMetadata().labels());
    }
    labels.put("app.kubernetes.io/managed-by", "prometheus-operator");
    labels.put("app.kubernetes.io/name", "prometheus");
    labels.put("app.kubernetes.io/instance", name);
    labels.put("operator.prometheus.io/name", name);
    labels.put("operator.prometheus.io/shard", "0");
    labels.put("prometheus", name);
    return labels;
  }

  /**
   * The Prometheus pods, with the Thanos sidecar container when {@code spec.thanos} is set. That
   * container's args come in one variant per compaction mode the Operator may pick (it depends on
   * the Prometheus version, unknown when the resource leaves it to the Operator), {@code
   * objstoreYaml} standing for the Secret the Operator passes through $(OBJSTORE_CONFIG).
   */
  static Pods prometheus(String name, PrometheusSpec spec, String objstoreYaml) {
    List<Container> containers = new ArrayList<>();
    containers.add(plain("prometheus", port("web", 9090)));
    containers.add(plain("config-reloader", port("reloader-web", 8080)));
    List<Volume> volumes = new ArrayList<>(spec.volumes() == null ? List.of() : spec.volumes());
    List<Container> sidecars = new ArrayList<>();
    ThanosSpec t = spec.thanos();
    if (t != null) {
      String db = "prometheus-" + name + "-db";
      volumes.add(new Volume(db, new EmptyDir(null, null), null, null, null));
      volumes.add(
          new Volume(
              "thanos-prometheus-http-client-file",
              null,
              null,
              new SecretVolume(httpClientSecret(name)),
              null));
      List<VolumeMount> mounts = new ArrayList<>();
      if (t.volumeMounts() != null) {
        for (VolumeMount m : t.volumeMounts()) {
          // The Operator copies a mount's name and path only.
          mounts.add(new VolumeMount(m.name(), m.mountPath(), null));
        }
      }
      boolean bucket = t.objectStorageConfig() != null || t.objectStorageConfigFile() != null;
      if (bucket) {
        mounts.add(new VolumeMount(db, STORAGE_DIR, null));
      }
      if (atLeast(t.version(), 0, 24)) {
        mounts.add(new VolumeMount("thanos-prometheus-http-client-file", HTTP_CLIENT_DIR, null));
      }
      List<EnvVar> env = new ArrayList<>();
      if (t.objectStorageConfig() != null && t.objectStorageConfigFile() == null) {
        env.add(new EnvVar("OBJSTORE_CONFIG", objstoreYaml, null));
      }
      for (boolean delayed : compactionModes(spec)) {
        sidecars.add(
            new Container(
                "thanos-sidecar",
                t.image(),
                null,
                null,
                sidecarArgs(spec, delayed),
                env,
                List.of(port("http", 10902), port("grpc", 10901)),
                null,
                null,
                t.resources(),
                new SecurityContext(false, true, null, new Capabilities(List.of("ALL"), null)),
                mounts));
      }
      containers.add(sidecars.get(0));
    }
    int replicas = spec.replicas() == null ? 1 : spec.replicas();
    StatefulSetSpec sts =
        new StatefulSetSpec(replicas, "prometheus-operated", null, null, null, null);
    PodSpec pod = new PodSpec(null, null, spec.securityContext(), containers, volumes);
    return new Pods(
        "Prometheus/" + name,
        podLabels(name, spec),
        pod,
        sts,
        "prometheus-" + name,
        Pods.Origin.OPERATOR,
        sidecars);
  }

  /**
   * True for the delayed mode (Prometheus compacts only what the sidecar shipped: Thanos >= 0.41
   * with Prometheus >= 3.9), false for compaction turned off; both when the Prometheus version is
   * left to the Operator.
   */
  private static List<Boolean> compactionModes(PrometheusSpec spec) {
    ThanosSpec t = spec.thanos();
    boolean bucket = t.objectStorageConfig() != null || t.objectStorageConfigFile() != null;
    if (!bucket || Boolean.TRUE.equals(spec.disableCompaction()) || !atLeast(t.version(), 0, 41)) {
      return List.of(false);
    }
    if (spec.version() != null) {
      return List.of(atLeast(spec.version(), 3, 9));
    }
    return List.of(false, true);
  }

  /** The sidecar container's args, in the Operator's order, additionalArgs last. */
  static List<String> sidecarArgs(PrometheusSpec spec, boolean delayedCompaction) {
    ThanosSpec t = spec.thanos();
    List<Argument> args = operatorArgs(spec, delayedCompaction);
    List<String> out = new ArrayList<>();
    out.add("sidecar");
    for (Argument a : args) {
      out.add(flag(a));
    }
    for (Argument a : t.additionalArgs() == null ? List.<Argument>of() : t.additionalArgs()) {
      out.add(flag(a));
    }
    return out;
  }

  /**
   * The additionalArgs that repeat a flag the Operator sets itself: the Operator refuses such a
   * resource ("can't set arguments which are already managed by the operator").
   */
  static List<String> refusedAdditionalArgs(PrometheusSpec spec) {
    ThanosSpec t = spec.thanos();
    List<String> out = new ArrayList<>();
    List<Argument> own = operatorArgs(spec, true);
    for (Argument a : t.additionalArgs() == null ? List.<Argument>of() : t.additionalArgs()) {
      if (own.stream().anyMatch(o -> o.name().equals(a.name()))) {
        out.add(a.name());
      }
    }
    return out;
  }

  private static List<Argument> operatorArgs(PrometheusSpec spec, boolean delayedCompaction) {
    ThanosSpec t = spec.thanos();
    List<Argument> args = new ArrayList<>();
    String prefix = spec.routePrefix() == null ? "/" : cleanPath(spec.routePrefix());
    args.add(new Argument("prometheus.url", "http://localhost:9090" + prefix));
    boolean local = Boolean.TRUE.equals(t.listenLocal());
    String grpcHost = local || Boolean.TRUE.equals(t.grpcListenLocal()) ? "127.0.0.1" : "";
    String httpHost = local || Boolean.TRUE.equals(t.httpListenLocal()) ? "127.0.0.1" : "";
    args.add(new Argument("grpc-address", grpcHost + ":10901"));
    args.add(new Argument("http-address", httpHost + ":10902"));
    if (t.objectStorageConfig() != null || t.objectStorageConfigFile() != null) {
      if (t.objectStorageConfigFile() != null) {
        args.add(new Argument("objstore.config-file", t.objectStorageConfigFile()));
      } else {
        args.add(new Argument("objstore.config", "$(OBJSTORE_CONFIG)"));
      }
      args.add(new Argument("tsdb.path", STORAGE_DIR));
      if (delayedCompaction) {
        args.add(new Argument("shipper.meta-file-name", "thanos.shipper.json"));
        args.add(new Argument("shipper.ignore-unequal-block-size", ""));
      }
    }
    String level = t.logLevel() != null ? t.logLevel() : spec.logLevel();
    String format = t.logFormat() != null ? t.logFormat() : spec.logFormat();
    if (level != null) {
      args.add(new Argument("log.level", level));
    }
    if (format != null) {
      args.add(new Argument("log.format", format));
    }
    if (t.minTime() != null) {
      args.add(new Argument("min-time", t.minTime()));
    }
    if (t.readyTimeout() != null) {
      args.add(new Argument("prometheus.ready_timeout", t.readyTimeout()));
    }
    if (t.getConfigTimeout() != null && atLeast(t.version(), 0, 29)) {
      args.add(new Argument("prometheus.get_config_timeout", t.getConfigTimeout()));
    }
    if (t.getConfigInterval() != null && atLeast(t.version(), 0, 29)) {
      args.add(new Argument("prometheus.get_config_interval", t.getConfigInterval()));
    }
    if (atLeast(t.version(), 0, 24)) {
      args.add(
          new Argument("prometheus.http-client-file", HTTP_CLIENT_DIR + "/" + HTTP_CLIENT_KEY));
    }
    return args;
  }

  private static String flag(Argument a) {
    return a.value() == null || a.value().isEmpty()
        ? "--" + a.name()
        : "--" + a.name() + "=" + a.value();
  }

  /** Go's path.Clean for the absolute prefixes a route prefix is. */
  private static String cleanPath(String p) {
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(s);
      }
    }
    return "/" + String.join("/", parts);
  }

  /**
   * Whether version {@code v} (v0.42.4, 3.9.1, ...) is at least {@code major.minor}; the Operator's
   * default Thanos version (v0.42 at the time of writing) when unset.
   */
  static boolean atLeast(String v, int major, int minor) {
    String s = v == null ? "0.42.0" : v.startsWith("v") ? v.substring(1) : v;
    String[] f = s.split("[.-]");
    int ma = Integer.parseInt(f[0]);
    int mi = f.length > 1 ? Integer.parseInt(f[1]) : 0;
    return ma > major || (ma == major && mi >= minor);
  }

  /** kube-prometheus' own pods (namespace monitoring), which Services here may select. */
  static List<Pods> kubePrometheus() {
    Map<String, String> prometheus = new LinkedHashMap<>();
    prometheus.put("app.kubernetes.io/component", "prometheus");
    prometheus.put("app.kubernetes.io/part-of", "kube-prometheus");
    prometheus.putAll(podLabels("k8s", emptySpec()));
    Map<String, String> alertmanager = new LinkedHashMap<>();
    alertmanager.put("app.kubernetes.io/component", "alert-router");
    alertmanager.put("app.kubernetes.io/part-of", "kube-prometheus");
    alertmanager.put("app.kubernetes.io/managed-by", "prometheus-operator");
    alertmanager.put("app.kubernetes.io/name", "alertmanager");
    alertmanager.put("app.kubernetes.io/instance", "main");
    alertmanager.put("alertmanager", "main");
    Map<String, String> grafana =
        Map.of(
            "app.kubernetes.io/component", "grafana",
            "app.kubernetes.io/name", "grafana",
            "app.kubernetes.io/part-of", "kube-prometheus");
    return List.of(
        external(
            "kube-prometheus Prometheus/k8s",
            prometheus,
            plain("prometheus", port("web", 9090)),
            plain("config-reloader", port("reloader-web", 8080))),
        external(
            "kube-prometheus Alertmanager/main",
            alertmanager,
            plain("alertmanager", port("web", 9093)),
            plain("config-reloader", port("reloader-web", 8080))),
        external(
            "kube-prometheus Deployment/grafana", grafana, plain("grafana", port("http", 3000))));
  }

  private static PrometheusSpec emptySpec() {
    return new PrometheusSpec(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  private static Pods external(String ref, Map<String, String> labels, Container... containers) {
    return new Pods(
        ref,
        labels,
        new PodSpec(null, null, null, List.of(containers), List.of()),
        null,
        ref,
        Pods.Origin.EXTERNAL,
        List.of());
  }

  private static Container plain(String name, ContainerPort port) {
    return new Container(
        name, null, null, null, null, null, List.of(port), null, null, null, null, null);
  }

  private static ContainerPort port(String name, int number) {
    return new ContainerPort(name, number, null);
  }
}
