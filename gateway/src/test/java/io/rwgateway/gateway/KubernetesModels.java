package io.rwgateway.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in Kubernetes kinds our manifests may use, each with its typed model from client-java
 * (generated from Kubernetes' OpenAPI schema), and the strict parse of a rendered object into it.
 *
 * <p>Strict means three steps, because each alone lets something through:
 *
 * <ol>
 *   <li>the model's generated {@code validateJsonElement}: unknown fields, missing required fields,
 *       objects where strings belong (recursively, through every nested model);
 *   <li>reading the object into the model with client-java's Gson: numbers that are no numbers
 *       ({@code replicas: "three"});
 *   <li>writing the model back and comparing with the input: Gson reads {@code "3"} as 3, {@code
 *       "yes"} as false and a label value {@code 1} as "1", which Kubernetes' API server refuses;
 *       any value that does not come back as it went in (other than a resource quantity written
 *       another way, {@code 1} for {@code "1"}) is a wrong type.
 * </ol>
 *
 * <p>Nothing here talks to an API server: only the models and {@link JSON}'s Gson are used, never
 * {@code ApiClient} (whose HTTP client is on the test classpath but never loaded).
 */
final class KubernetesModels {
  private KubernetesModels() {}

  /** A model's generated validation of a JSON tree. */
  @FunctionalInterface
  interface Validator {
    void validate(JsonElement json) throws IOException;
  }

  record Model(Class<?> type, Validator validator) {}

  private static final Map<String, Model> BUILT_IN = new TreeMap<>();

  static {
    add("v1", "ConfigMap", V1ConfigMap.class, V1ConfigMap::validateJsonElement);
    add("v1", "Secret", V1Secret.class, V1Secret::validateJsonElement);
    add("v1", "Service", V1Service.class, V1Service::validateJsonElement);
    add("v1", "ServiceAccount", V1ServiceAccount.class, V1ServiceAccount::validateJsonElement);
    add("v1", "Namespace", V1Namespace.class, V1Namespace::validateJsonElement);
    add(
        "v1",
        "PersistentVolumeClaim",
        V1PersistentVolumeClaim.class,
        V1PersistentVolumeClaim::validateJsonElement);
    add("apps/v1", "StatefulSet", V1StatefulSet.class, V1StatefulSet::validateJsonElement);
    add("apps/v1", "Deployment", V1Deployment.class, V1Deployment::validateJsonElement);
    add("apps/v1", "DaemonSet", V1DaemonSet.class, V1DaemonSet::validateJsonElement);
    add("batch/v1", "Job", V1Job.class, V1Job::validateJsonElement);
    add("batch/v1", "CronJob", V1CronJob.class, V1CronJob::validateJsonElement);
    add(
        "policy/v1",
        "PodDisruptionBudget",
        V1PodDisruptionBudget.class,
        V1PodDisruptionBudget::validateJsonElement);
    add(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        V1NetworkPolicy.class,
        V1NetworkPolicy::validateJsonElement);
    add("networking.k8s.io/v1", "Ingress", V1Ingress.class, V1Ingress::validateJsonElement);
    add(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        V2HorizontalPodAutoscaler.class,
        V2HorizontalPodAutoscaler::validateJsonElement);
    add("rbac.authorization.k8s.io/v1", "Role", V1Role.class, V1Role::validateJsonElement);
    add(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        V1RoleBinding.class,
        V1RoleBinding::validateJsonElement);
    add(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        V1ClusterRole.class,
        V1ClusterRole::validateJsonElement);
    add(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        V1ClusterRoleBinding.class,
        V1ClusterRoleBinding::validateJsonElement);
  }

  /**
   * The Prometheus Operator's custom resources: client-java has no model for them, so they are left
   * to KubernetesManifestsTest's own strict records.
   */
  static final Set<String> CUSTOM_RESOURCES =
      Set.of(
          key("monitoring.coreos.com/v1", "Prometheus"),
          key("monitoring.coreos.com/v1", "ServiceMonitor"),
          key("monitoring.coreos.com/v1", "PrometheusRule"));

  private static void add(String apiVersion, String kind, Class<?> type, Validator validator) {
    BUILT_IN.put(key(apiVersion, kind), new Model(type, validator));
  }

  static String key(String apiVersion, String kind) {
    return apiVersion + " " + kind;
  }

  private static final ObjectMapper JSON_WRITER = new ObjectMapper();

  /** The value a number parser refused, as Java's NumberFormatException quotes it. */
  private static final Pattern BAD_INPUT = Pattern.compile("For input string: \"(.*)\"");

  /** {@code Kind/name} of a rendered object, for messages. */
  static String ref(ObjectNode doc) {
    return doc.path("kind").asText("?") + "/" + doc.path("metadata").path("name").asText("?");
  }

  /** Whether the object is one of the custom resources this check leaves to its strict records. */
  static boolean isCustomResource(ObjectNode doc) {
    return CUSTOM_RESOURCES.contains(
        key(doc.path("apiVersion").asText(), doc.path("kind").asText()));
  }

  /**
   * Parses a rendered object into its model; every problem found goes to {@code problems}, one line
   * each, starting with the object's {@code Kind/name}. Returns null for a custom resource (nothing
   * checked here) and when the object does not parse.
   */
  static Object parse(ObjectNode doc, List<String> problems) {
    String ref = ref(doc);
    if (isCustomResource(doc)) {
      return null;
    }
    String k = key(doc.path("apiVersion").asText(), doc.path("kind").asText());
    Model model = BUILT_IN.get(k);
    if (model == null) {
      problems.add(
          ref
              + ": no typed model for apiVersion "
              + doc.path("apiVersion").asText()
              + " kind "
              + doc.path("kind").asText()
              + " (built-in kinds known here: "
              + String.join(", ", BUILT_IN.keySet())
              + "; custom resources: "
              + String.join(", ", CUSTOM_RESOURCES)
              + ")");
      return null;
    }
    JsonElement json;
    try {
      json = JsonParser.parseString(JSON_WRITER.writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      model.validator().validate(json);
    } catch (IOException | RuntimeException e) {
      // IllegalArgumentException for the schema's findings; IllegalStateException where an object
      // was expected and something else is found
      problems.add(ref + ": " + describe(e.getMessage(), json));
      return null;
    }
    Object typed;
    try {
      typed = JSON.getGson().fromJson(json, model.type());
    } catch (RuntimeException e) {
      // JsonParseException (a number that is none), or a custom type's own (a bad quantity)
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String why = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      Matcher bad = BAD_INPUT.matcher(String.valueOf(cause.getMessage()));
      if (bad.find()) {
        List<String> at = new ArrayList<>();
        locate(json, new JsonPrimitive(bad.group(1)), "", at);
        if (!at.isEmpty()) {
          why += " (at " + String.join(", ", at) + ")";
        }
      }
      problems.add(ref + ": does not read as " + model.type().getSimpleName() + ": " + why);
      return null;
    }
    JsonElement back = JSON.getGson().toJsonTree(typed);
    int before = problems.size();
    compare(json, back, typed, "", ref, problems);
    return problems.size() == before ? typed : null;
  }

  /** Like {@link #parse(ObjectNode, List)}, for callers that need the model: fails otherwise. */
  static <T> T parse(ObjectNode doc, Class<T> type) {
    List<String> problems = new ArrayList<>();
    Object typed = parse(doc, problems);
    if (!problems.isEmpty() || !type.isInstance(typed)) {
      throw new AssertionError(
          ref(doc) + " does not parse as " + type.getSimpleName() + ": " + problems);
    }
    return type.cast(typed);
  }

  /**
   * The generated messages end with the JSON of the object at fault: keep the sentence, and say
   * where that object sits in the manifest (found by equality; by the field's name when the JSON
   * shown is not found).
   */
  private static String describe(String message, JsonElement json) {
    String m = String.valueOf(message);
    String shown = null;
    for (String marker : List.of(" JSON: ", " in the JSON string: ")) {
      int cut = m.indexOf(marker);
      if (cut >= 0) {
        shown = m.substring(cut + marker.length());
        m = m.substring(0, cut);
        break;
      }
    }
    if (m.length() > 300) {
      m = m.substring(0, 300) + "...";
    }
    List<String> at = new ArrayList<>();
    if (shown != null) {
      try {
        locate(json, JsonParser.parseString(shown), "", at);
      } catch (RuntimeException e) {
        // not JSON after all: no place to name
      }
    }
    int tick = m.indexOf("The field `");
    String field = tick < 0 ? null : m.substring(tick + 11, m.indexOf('`', tick + 11));
    if (field != null) {
      if (at.isEmpty()) {
        pathsOf(json, field, "", at);
      } else {
        at.replaceAll(p -> p.isEmpty() ? field : p + "." + field);
      }
      if (!at.isEmpty()) {
        m += " (at " + String.join(", ", at) + ")";
      }
    } else if (!at.isEmpty()) {
      m +=
          " (in "
              + String.join(", ", at.stream().map(p -> p.isEmpty() ? "the object" : p).toList())
              + ")";
    }
    return m;
  }

  /** The paths of every subtree equal to {@code wanted}. */
  private static void locate(JsonElement e, JsonElement wanted, String path, List<String> out) {
    if (e.equals(wanted)) {
      out.add(path);
      return;
    }
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        locate(f.getValue(), wanted, path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out);
      }
    } else if (e.isJsonArray()) {
      for (int i = 0; i < e.getAsJsonArray().size(); i++) {
        locate(e.getAsJsonArray().get(i), wanted, path + "[" + i + "]", out);
      }
    }
  }

  private static void pathsOf(JsonElement e, String field, String path, List<String> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (f.getKey().equals(field)) {
          out.add(p);
        }
        pathsOf(f.getValue(), field, p, out);
      }
    } else if (e.isJsonArray()) {
      for (int i = 0; i < e.getAsJsonArray().size(); i++) {
        pathsOf(e.getAsJsonArray().get(i), field, path + "[" + i + "]", out);
      }
    }
  }

  /**
   * Input against the model written back. {@code java} is the model's value at the same place, to
   * tell a resource quantity (which Kubernetes accepts as a number or a string, and client-java
   * writes in its own canonical form) from a plain string.
   */
  private static void compare(
      JsonElement in,
      JsonElement out,
      Object java,
      String path,
      String ref,
      List<String> problems) {
    if (in == null || in.isJsonNull()) {
      return; // null is "not set", which the model writes as nothing
    }
    String where = path.isEmpty() ? "(the object)" : path;
    if (out == null || out.isJsonNull()) {
      problems.add(ref + ": " + where + " is lost when read into the model (wrong type?)");
      return;
    }
    if (in.isJsonObject()) {
      if (!out.isJsonObject()) {
        problems.add(ref + ": " + where + " is an object where the model has " + out);
        return;
      }
      JsonObject o = out.getAsJsonObject();
      for (Map.Entry<String, JsonElement> f : in.getAsJsonObject().entrySet()) {
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        compare(f.getValue(), o.get(f.getKey()), child(java, f.getKey()), p, ref, problems);
      }
    } else if (in.isJsonArray()) {
      if (!out.isJsonArray() || out.getAsJsonArray().size() != in.getAsJsonArray().size()) {
        problems.add(ref + ": " + where + " is a list where the model has " + out);
        return;
      }
      for (int i = 0; i < in.getAsJsonArray().size(); i++) {
        Object item = java instanceof List<?> l && i < l.size() ? l.get(i) : null;
        compare(
            in.getAsJsonArray().get(i),
            out.getAsJsonArray().get(i),
            item,
            path + "[" + i + "]",
            ref,
            problems);
      }
    } else {
      JsonPrimitive a = in.getAsJsonPrimitive();
      if (java instanceof Quantity q && (a.isString() || a.isNumber())) {
        if (Quantity.fromString(a.getAsString()).getNumber().compareTo(q.getNumber()) != 0) {
          problems.add(ref + ": " + where + " quantity " + a + " reads as " + q);
        }
        return;
      }
      if (!out.isJsonPrimitive() || !sameKind(a, out.getAsJsonPrimitive()) || !a.equals(out)) {
        problems.add(
            ref
                + ": "
                + where
                + " has the wrong type: "
                + a
                + " reads as "
                + out
                + " in the model");
      }
    }
  }

  private static boolean sameKind(JsonPrimitive a, JsonPrimitive b) {
    return a.isString() == b.isString()
        && a.isNumber() == b.isNumber()
        && a.isBoolean() == b.isBoolean();
  }

  /** The model's value under a JSON field name: a map entry, or the field Gson names so. */
  private static Object child(Object java, String name) {
    if (java == null) {
      return null;
    }
    if (java instanceof Map<?, ?> m) {
      return m.get(name);
    }
    for (Class<?> c = java.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        SerializedName sn = f.getAnnotation(SerializedName.class);
        if (sn != null && sn.value().equals(name)) {
          try {
            f.setAccessible(true);
            return f.get(java);
          } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
          }
        }
      }
    }
    return null;
  }
}
