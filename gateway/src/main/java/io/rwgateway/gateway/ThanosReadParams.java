package io.rwgateway.gateway;

import io.rwgateway.model.Matcher;
import io.rwgateway.model.PromDuration;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.query.ProxyChunkQuerier;
import io.rwgateway.query.ProxyChunkQueryable;
import io.rwgateway.query.ProxyRequest;
import io.rwgateway.queryapi.ScopedReads;
import io.rwgateway.tsdb.ChunkQuerier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Thanos Query's request parameters, read for every API request of {@code gateway query}: {@code
 * dedup} (default true), {@code partial_response} (default {@code --query.partial-response}),
 * {@code replicaLabels[]} (replaces {@code --query.replica-label} when given), {@code storeMatch[]}
 * (series selectors on {@code __address__}: only endpoints one of them matches are asked) and
 * {@code max_source_resolution} (a duration, {@code auto} or empty: checked, not acted on, as there
 * is no downsampled data here). {@code engine} and {@code analyze} are ignored.
 */
final class ThanosReadParams implements ScopedReads {
  private final ProxyChunkQueryable proxy;
  private final boolean partialResponse;
  private final List<String> replicaLabels;

  ThanosReadParams(ProxyChunkQueryable proxy, boolean partialResponse, List<String> replicaLabels) {
    this.proxy = proxy;
    this.partialResponse = partialResponse;
    this.replicaLabels = List.copyOf(replicaLabels);
  }

  @Override
  public Scope open(Function<String, List<String>> params) {
    return new ProxyScope(proxy, request(params));
  }

  /**
   * The proxy request the parameters ask for.
   *
   * @throws IllegalArgumentException naming the parameter that is not valid
   */
  ProxyRequest request(Function<String, List<String>> params) {
    boolean dedup = bool(params, "dedup", true);
    boolean partial = bool(params, "partial_response", partialResponse);
    List<String> labels = params.apply("replicaLabels[]");
    Set<String> replicas = new LinkedHashSet<>(labels.isEmpty() ? replicaLabels : labels);
    List<Matcher[]> stores = new ArrayList<>();
    for (String s : params.apply("storeMatch[]")) {
      try {
        stores.add(PromqlParser.parseSelector(s).matchers().toArray(new Matcher[0]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid parameter \"storeMatch[]\": " + e.getMessage(), e);
      }
    }
    checkResolution(last(params, "max_source_resolution"));
    return new ProxyRequest(partial, dedup, replicas, stores);
  }

  private static String last(Function<String, List<String>> params, String name) {
    List<String> v = params.apply(name);
    return v.isEmpty() ? "" : v.get(v.size() - 1);
  }

  /** Go's strconv.ParseBool, as Thanos reads these parameters; empty or absent: the default. */
  private static boolean bool(Function<String, List<String>> params, String name, boolean def) {
    String v = last(params, name);
    switch (v) {
      case "":
        return def;
      case "1", "t", "T", "true", "TRUE", "True":
        return true;
      case "0", "f", "F", "false", "FALSE", "False":
        return false;
      default:
        throw new IllegalArgumentException(
            "invalid parameter \"" + name + "\": \"" + v + "\" is not a boolean");
    }
  }

  private static void checkResolution(String v) {
    if (v.isEmpty() || v.equals("auto")) {
      return;
    }
    boolean ok;
    try {
      ok = Double.parseDouble(v) >= 0; // seconds, as Prometheus' duration parameters
    } catch (NumberFormatException e) {
      ok = PromDuration.parse(v) != null;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "invalid parameter \"max_source_resolution\": \""
              + v
              + "\" is not a duration, \"auto\" or empty");
    }
  }

  /** One request's reads: the queriers it opened, whose warnings are the answer's. */
  private static final class ProxyScope implements Scope {
    private final ProxyChunkQueryable proxy;
    private final ProxyRequest request;
    private final List<ProxyChunkQuerier> opened = new ArrayList<>();

    ProxyScope(ProxyChunkQueryable proxy, ProxyRequest request) {
      this.proxy = proxy;
      this.request = request;
    }

    @Override
    public ChunkQuerier querier(long mint, long maxt, String function) {
      ProxyChunkQuerier q = proxy.chunkQuerier(request, mint, maxt, function);
      synchronized (opened) {
        opened.add(q);
      }
      return q;
    }

    /** Each warning once: every selector of a query meets the same endpoint failing. */
    @Override
    public List<String> warnings() {
      Set<String> out = new LinkedHashSet<>();
      synchronized (opened) {
        for (ProxyChunkQuerier q : opened) {
          out.addAll(q.warnings());
        }
      }
      return new ArrayList<>(out);
    }
  }
}
