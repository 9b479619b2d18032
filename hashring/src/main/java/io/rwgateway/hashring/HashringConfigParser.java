package io.rwgateway.hashring;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfig.Ring;
import io.rwgateway.hashring.HashringConfig.TenantMatcherType;
import io.rwgateway.hashring.HashringConfigException.Reason;
import io.rwgateway.model.TenantId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the JSON of a hashring file into a {@link HashringConfig}, walking Jackson's tree by hand
 * so that every error names its place ({@code [1].endpoints[0].az}) and says what was expected.
 */
final class HashringConfigParser {
  private static final List<String> RING_KEYS =
      List.of(
          "hashring",
          "tenants",
          "tenant_matcher_type",
          "endpoints",
          "algorithm",
          "external_labels");
  private static final List<String> ENDPOINT_KEYS = List.of("address", "az", "capnproto_address");

  // NOTE: duplicate keys are an error: Go keeps the last one silently, and two "endpoints" lists
  // in one hashring are a merge accident that would place series on the wrong nodes.
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private HashringConfigParser() {}

  static HashringConfig parse(byte[] json) throws HashringConfigException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String at = l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
      throw new HashringConfigException(
          Reason.PARSE, "not valid JSON" + at + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HashringConfigException(Reason.PARSE, "not valid JSON: " + e.getMessage(), e);
    }
    if (root == null
        || root.isMissingNode()
        || root.isNull()
        || (root.isArray() && root.isEmpty())) {
      // As Thanos: an empty file, "null" and "[]" are refused rather than meaning "no hashring".
      throw new HashringConfigException(
          Reason.INVALID,
          "the hashring configuration is empty: it must list at least one hashring");
    }
    if (!root.isArray()) {
      throw new HashringConfigException(
          Reason.PARSE, "expected a JSON list of hashrings at the top level, found " + kind(root));
    }
    List<Ring> rings = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      rings.add(ring(root.get(i), "[" + i + "]"));
    }
    return new HashringConfig(rings, warnings(rings));
  }

  private static Ring ring(JsonNode node, String at) throws HashringConfigException {
    if (!node.isObject()) {
      throw parseError(at, "expected a hashring object, found " + kind(node));
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = field.getKey();
      if ("shuffle_sharding_config".equals(key)) {
        throw invalid(
            at,
            "\"shuffle_sharding_config\" is not supported: each tenant would get a subset of"
                + " the nodes, placing series differently from this ring; remove it");
      }
      if (!RING_KEYS.contains(key)) {
        unknown.add('"' + key + '"');
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          at,
          "unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (known keys: "
              + String.join(", ", RING_KEYS)
              + "; names are case-sensitive)");
    }

    String name = optionalString(node, "hashring", at);
    List<String> tenants = tenants(node.get("tenants"), at + ".tenants");

    String matcherName = optionalString(node, "tenant_matcher_type", at);
    TenantMatcherType matcher =
        matcherName.isEmpty() ? TenantMatcherType.EXACT : TenantMatcherType.fromName(matcherName);
    if (matcher == null) {
      throw invalid(
          at + ".tenant_matcher_type",
          "unknown tenant matcher type \""
              + matcherName
              + "\"; use \"exact\" (the default) or \"glob\"");
    }

    String algorithmName = optionalString(node, "algorithm", at);
    Algorithm algorithm = algorithmName.isEmpty() ? null : Algorithm.fromName(algorithmName);
    if (!algorithmName.isEmpty() && algorithm == null) {
      throw invalid(
          at + ".algorithm",
          "unknown algorithm \""
              + algorithmName
              + "\"; use \"ketama\" or \"hashmod\""
              + " (Thanos would fall back to hashmod without saying so)");
    }

    List<Endpoint> endpoints = endpoints(node.get("endpoints"), at + ".endpoints");
    if (algorithm == Algorithm.HASHMOD) {
      RingChecks.noZones(endpoints, at);
    }
    Map<String, String> externalLabels =
        externalLabels(node.get("external_labels"), at + ".external_labels");

    if (matcher == TenantMatcherType.GLOB) {
      for (int i = 0; i < tenants.size(); i++) {
        try {
          GoGlob.compile(tenants.get(i));
        } catch (IllegalArgumentException e) {
          throw invalid(at + ".tenants[" + i + "]", e.getMessage());
        }
      }
    }
    return new Ring(name, tenants, matcher, endpoints, algorithm, externalLabels);
  }

  private static List<String> tenants(JsonNode node, String at) throws HashringConfigException {
    List<String> tenants = new ArrayList<>();
    if (node == null || node.isNull()) {
      return tenants;
    }
    if (!node.isArray()) {
      throw parseError(at, "expected a list of tenant names, found " + kind(node));
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      if (!t.isTextual()) {
        throw parseError(at + "[" + i + "]", "expected a string, found " + kind(t));
      }
      tenants.add(t.textValue());
    }
    return tenants;
  }

  private static List<Endpoint> endpoints(JsonNode node, String at) throws HashringConfigException {
    if (node == null || node.isNull()) {
      throw invalid(at, "missing: every hashring needs a non-empty \"endpoints\" list");
    }
    if (!node.isArray()) {
      throw parseError(at, "expected a list of endpoints, found " + kind(node));
    }
    if (node.isEmpty()) {
      throw invalid(at, "empty: every hashring needs at least one endpoint");
    }
    List<Endpoint> endpoints = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String eat = at + "[" + i + "]";
      Endpoint e = endpoint(node.get(i), eat);
      Integer before = seen.putIfAbsent(e.address(), i);
      if (before != null) {
        // NOTE: Thanos accepts this and may then put two "replicas" of a series on one node.
        throw invalid(
            eat,
            "address "
                + e.address()
                + " is already endpoint ["
                + before
                + "] of this hashring; a node may appear once");
      }
      endpoints.add(e);
    }
    return endpoints;
  }

  private static Endpoint endpoint(JsonNode node, String at) throws HashringConfigException {
    if (node.isTextual()) {
      if (node.textValue().isEmpty()) {
        throw invalid(at, "endpoint address must be set");
      }
      return Endpoint.of(node.textValue());
    }
    if (!node.isObject()) {
      throw parseError(
          at,
          "expected an address string or an object with \"address\" and \"az\", found "
              + kind(node));
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = field.getKey();
      if (!ENDPOINT_KEYS.contains(key)) {
        unknown.add('"' + key + '"');
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          at,
          "unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (known keys: "
              + String.join(", ", ENDPOINT_KEYS)
              + ")");
    }
    String address = optionalString(node, "address", at);
    if (address.isEmpty()) {
      throw invalid(at + ".address", "endpoint address must be set");
    }
    // capnproto_address is accepted so that Thanos files load unchanged; forwarding here is gRPC
    // only, so its value is checked for type and otherwise unused.
    optionalString(node, "capnproto_address", at);
    return new Endpoint(address, optionalString(node, "az", at));
  }

  private static Map<String, String> externalLabels(JsonNode node, String at)
      throws HashringConfigException {
    Map<String, String> labels = new TreeMap<>();
    if (node == null || node.isNull()) {
      return labels;
    }
    if (!node.isObject()) {
      throw parseError(at, "expected an object of label names to values, found " + kind(node));
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw parseError(
            at + "." + e.getKey(), "expected a string value, found " + kind(e.getValue()));
      }
      if (e.getKey().isEmpty()) {
        throw invalid(at, "a label name must not be empty");
      }
      labels.put(e.getKey(), e.getValue().textValue());
    }
    return labels;
  }

  /** A string field; {@code ""} when absent or null (Go leaves the field empty in both cases). */
  private static String optionalString(JsonNode obj, String key, String at)
      throws HashringConfigException {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw parseError(at + "." + key, "expected a string, found " + kind(v));
    }
    return v.textValue();
  }

  private static List<String> warnings(List<Ring> rings) {
    List<String> warnings = new ArrayList<>();
    int catchAll = -1;
    Map<String, Integer> exactOwner = new LinkedHashMap<>();
    for (int i = 0; i < rings.size(); i++) {
      Ring r = rings.get(i);
      String label = "hashring [" + i + "]" + (r.name().isEmpty() ? "" : " \"" + r.name() + "\"");
      if (catchAll >= 0) {
        warnings.add(
            label
                + " is never used: hashring ["
                + catchAll
                + "] before it has no tenants and so serves every tenant");
        continue;
      }
      if (r.catchAll()) {
        catchAll = i;
        continue;
      }
      if (r.tenantMatcherType() != TenantMatcherType.EXACT) {
        continue;
      }
      Set<String> own = new HashSet<>();
      for (String t : r.tenants()) {
        if (!own.add(t)) {
          continue;
        }
        Integer first = exactOwner.putIfAbsent(t, i);
        if (first != null) {
          warnings.add(
              label + " lists tenant \"" + t + "\", which hashring [" + first + "] already serves");
        } else if (!TenantId.isValid(t)) {
          warnings.add(
              label
                  + " lists tenant \""
                  + t
                  + "\", which is not a valid tenant id, so no request can match it");
        }
      }
    }
    return warnings;
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.isNull() ? "null" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static HashringConfigException parseError(String at, String message) {
    return new HashringConfigException(Reason.PARSE, at + ": " + message);
  }

  private static HashringConfigException invalid(String at, String message) {
    return new HashringConfigException(Reason.INVALID, at + ": " + message);
  }
}
