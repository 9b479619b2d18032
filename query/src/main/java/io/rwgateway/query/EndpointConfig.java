package io.rwgateway.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Thanos Query's endpoint config ({@code --endpoint.sd-config} / {@code
 * --endpoint.sd-config-file}), read for its addresses. Two shapes are understood: Thanos 0.36+'s
 * object {@code {endpoints: [{address: "host:port", strict: true, group: false, client_config:
 * {...}}], default_client_config: {...}}}, and the older list {@code [{endpoints: ["host:port",
 * ...], tls_config: {...}}]}. Addresses may be {@code dns+} and {@code dnssrv+} specs. Per-endpoint
 * client settings (TLS, compression, service config), {@code group} and {@code strict} are not
 * acted on: {@link #ignored} names the keys found, for one WARN line each.
 *
 * @param endpoints the endpoint specs, in file order
 * @param ignored keys that were given and have no effect here
 */
public record EndpointConfig(List<EndpointSpec> endpoints, List<String> ignored) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static EndpointConfig parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("endpoint config: not YAML: " + e.getMessage(), e);
    }
    List<EndpointSpec> specs = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new EndpointConfig(specs, ignored);
    }
    if (root.isArray()) {
      for (JsonNode group : root) {
        for (JsonNode a : list(group.get("endpoints"), "endpoints")) {
          specs.add(spec(a));
        }
        others(group, "endpoints", ignored);
      }
    } else if (root.isObject()) {
      for (JsonNode e : list(root.get("endpoints"), "endpoints")) {
        if (!e.isObject()) {
          throw new IllegalArgumentException("endpoint config: an endpoint must be {address: ...}");
        }
        specs.add(spec(e.get("address")));
        others(e, "address", ignored);
      }
      others(root, "endpoints", ignored);
    } else {
      throw new IllegalArgumentException("endpoint config: expected {endpoints: [...]}");
    }
    return new EndpointConfig(specs, ignored);
  }

  private static Iterable<JsonNode> list(JsonNode n, String key) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("endpoint config: \"" + key + "\" must be a list");
    }
    return n;
  }

  private static EndpointSpec spec(JsonNode a) {
    if (a == null || !a.isTextual()) {
      throw new IllegalArgumentException("endpoint config: an address must be a string: " + a);
    }
    return EndpointSpec.parse(a.asText());
  }

  private static void others(JsonNode object, String known, List<String> ignored) {
    object
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!k.equals(known) && !ignored.contains(k)) {
                ignored.add(k);
              }
            });
  }
}
