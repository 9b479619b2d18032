package io.rwgateway.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rwgateway.gateway.KubernetesManifestsTest.EmptyDir;
import io.rwgateway.gateway.KubernetesManifestsTest.LabelSelector;
import io.rwgateway.gateway.KubernetesManifestsTest.PodSecurityContext;
import io.rwgateway.gateway.KubernetesManifestsTest.PvcSpec;
import io.rwgateway.gateway.KubernetesManifestsTest.Resources;
import io.rwgateway.gateway.KubernetesManifestsTest.Volume;
import io.rwgateway.gateway.KubernetesManifestsTest.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator's custom resources (monitoring.coreos.com/v1) as the manifests under
 * {@code k8s/} use them, for {@link KubernetesManifestsTest}. Every field here is one the
 * Operator's API reference (prometheus-operator {@code Documentation/api-reference/api.md}, from
 * {@code pkg/apis/monitoring/v1/*_types.go}) documents for that type, under its documented name;
 * only the fields a manifest uses (and a few close relatives) are modelled, and anything else fails
 * to parse: a misspelt field, or one the Operator would silently drop, is reported. Add a
 * documented field here when a manifest starts using it.
 */
final class PrometheusOperatorModel {
  private PrometheusOperatorModel() {}

  /** {@code Prometheus.spec} (PrometheusSpec and its CommonPrometheusFields). */
  record PrometheusSpec(
      Integer replicas,
      String version,
      String image,
      String serviceAccountName,
      EmbeddedMeta podMetadata,
      LabelSelector serviceMonitorSelector,
      LabelSelector serviceMonitorNamespaceSelector,
      LabelSelector podMonitorSelector,
      LabelSelector podMonitorNamespaceSelector,
      LabelSelector probeSelector,
      LabelSelector probeNamespaceSelector,
      LabelSelector ruleSelector,
      LabelSelector ruleNamespaceSelector,
      Map<String, String> externalLabels,
      String prometheusExternalLabelName,
      String replicaExternalLabelName,
      String scrapeInterval,
      String evaluationInterval,
      String retention,
      String retentionSize,
      String logLevel,
      String logFormat,
      String routePrefix,
      Boolean listenLocal,
      Boolean disableCompaction,
      StorageSpec storage,
      AlertingSpec alerting,
      List<RemoteWriteSpec> remoteWrite,
      Resources resources,
      PodSecurityContext securityContext,
      List<Volume> volumes,
      Map<String, String> nodeSelector,
      ThanosSpec thanos) {}

  /** EmbeddedObjectMetadata: what {@code podMetadata} and claim templates may carry. */
  record EmbeddedMeta(String name, Map<String, String> labels, Map<String, String> annotations) {}

  /** StorageSpec. */
  record StorageSpec(EmptyDir emptyDir, EmbeddedPvc volumeClaimTemplate) {}

  /** EmbeddedPersistentVolumeClaim. */
  record EmbeddedPvc(EmbeddedMeta metadata, PvcSpec spec) {}

  /** AlertingSpec. */
  record AlertingSpec(List<AlertmanagerEndpoints> alertmanagers) {}

  /** AlertmanagerEndpoints. */
  record AlertmanagerEndpoints(
      String namespace,
      String name,
      String port,
      String apiVersion,
      String scheme,
      String pathPrefix,
      String timeout) {}

  /** RemoteWriteSpec. */
  record RemoteWriteSpec(
      String url,
      String name,
      String remoteTimeout,
      Map<String, String> headers,
      Boolean sendExemplars,
      Boolean sendNativeHistograms,
      List<RelabelConfig> writeRelabelConfigs,
      QueueConfig queueConfig) {}

  /** QueueConfig. */
  record QueueConfig(
      Integer capacity,
      Integer minShards,
      Integer maxShards,
      Integer maxSamplesPerSend,
      String batchSendDeadline,
      Integer maxRetries,
      String minBackoff,
      String maxBackoff,
      Boolean retryOnRateLimit) {}

  /** RelabelConfig. */
  record RelabelConfig(
      List<String> sourceLabels,
      String separator,
      String targetLabel,
      String regex,
      Long modulus,
      String replacement,
      String action) {}

  /** ThanosSpec: the sidecar container the Operator adds to each Prometheus pod. */
  record ThanosSpec(
      String image,
      String version,
      String tag,
      String sha,
      String baseImage,
      Resources resources,
      SecretKeySelector objectStorageConfig,
      String objectStorageConfigFile,
      Boolean listenLocal,
      Boolean grpcListenLocal,
      Boolean httpListenLocal,
      String logLevel,
      String logFormat,
      String minTime,
      String blockSize,
      String readyTimeout,
      String getConfigInterval,
      String getConfigTimeout,
      List<VolumeMount> volumeMounts,
      List<Argument> additionalArgs) {}

  /** core/v1 SecretKeySelector. */
  record SecretKeySelector(String name, String key, Boolean optional) {}

  /** Argument: one extra flag, {@code --name=value} or {@code --name}. */
  record Argument(String name, String value) {}

  /** {@code ServiceMonitor.spec}. */
  record ServiceMonitorSpec(
      String jobLabel,
      List<String> targetLabels,
      List<String> podTargetLabels,
      LabelSelector selector,
      NamespaceSelector namespaceSelector,
      List<ScrapeEndpoint> endpoints,
      Long sampleLimit) {}

  /** NamespaceSelector: unset means the ServiceMonitor's own namespace. */
  record NamespaceSelector(Boolean any, List<String> matchNames) {}

  /**
   * Endpoint of a ServiceMonitor (the Operator's type Endpoint): {@code port} names a port of the
   * selected Services.
   */
  record ScrapeEndpoint(
      String port,
      String targetPort,
      String path,
      String scheme,
      String interval,
      String scrapeTimeout,
      Boolean honorLabels,
      Boolean honorTimestamps,
      List<RelabelConfig> relabelings,
      List<RelabelConfig> metricRelabelings) {}

  /** {@code PrometheusRule.spec}. */
  record PrometheusRuleSpec(List<RuleGroup> groups) {}

  /** RuleGroup (its snake_case fields are the Operator's, as in Prometheus' rule files). */
  record RuleGroup(
      String name,
      Map<String, String> labels,
      String interval,
      String query_offset,
      List<Rule> rules,
      String partial_response_strategy,
      Integer limit) {}

  /** Rule: a recording rule ({@code record}) or an alerting rule ({@code alert}). */
  record Rule(
      String record,
      String alert,
      String expr,
      @JsonProperty("for") String forDuration,
      String keep_firing_for,
      Map<String, String> labels,
      Map<String, String> annotations) {}
}
