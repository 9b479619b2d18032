package io.rwgateway.queryapi;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.TenantId;
import io.rwgateway.promql.engine.QuerierSource;
import io.rwgateway.promql.parser.ParseException;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.TenantExtras;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the Prometheus HTTP API over a tenant's {@link Querier}: {@code /api/v1/series},
 * {@code /api/v1/labels}, {@code /api/v1/label/<name>/values}, the PromQL endpoints, {@code
 * /api/v1/format_query} and {@code /api/v1/query_exemplars} (GET, or POST with a form body), {@code
 * /api/v1/metadata}, {@code /api/v1/rules}, {@code /api/v1/alerts} and {@code /api/v1/status/...}
 * (GET, as in Prometheus) and {@code /api/v1/read} (remote read, POST).
 *
 * <p>Stateless and thread-safe: the server may call {@link #handle} from any event loop or worker.
 * The tenant is the value of the tenant header, or the default tenant when the header is absent.
 */
public final class PrometheusApi {
  private static final Logger log = LoggerFactory.getLogger(PrometheusApi.class);

  static final String SERIES = "/api/v1/series";
  static final String LABELS = "/api/v1/labels";
  static final String READ = "/api/v1/read";
  static final String LABEL_PREFIX = "/api/v1/label/";
  static final String VALUES_SUFFIX = "/values";
  static final String TRUNCATED = "results truncated due to limit";
  private static final String GET_POST = "GET, POST";
  private static final int MAX_QUERY_PARAMS = 10_000;
  private static final long SLOW_MILLIS = 10_000;

  private final Function<String, Querier> querierForTenant;
  private final String tenantHeader;
  private final String defaultTenant;
  private final Clock clock;
  private final RemoteRead remoteRead;
  private final ChunkQueryable chunks;
  private final QueryEndpoints queries;
  private final TenantExtras extras;
  private final StatusEndpoints status;
  private final ScopedReads scoped;

  /**
   * @param querierForTenant the tenant's querier, or null when the tenant has no data
   * @param tenantHeader the header naming the tenant (matched case-insensitively)
   * @param defaultTenant the tenant of requests without the header
   * @param clock times requests for the slow-request log
   * @param maxRemoteReadSamples most samples (floats plus histograms) one remote read may return; 0
   *     for no limit
   */
  public PrometheusApi(
      Function<String, Querier> querierForTenant,
      String tenantHeader,
      String defaultTenant,
      Clock clock,
      int maxRemoteReadSamples) {
    this(querierForTenant, null, tenantHeader, defaultTenant, clock, maxRemoteReadSamples);
  }

  /**
   * The same, with the streaming source remote read's STREAMED_XOR_CHUNKS answers come from (null:
   * SAMPLES answers only).
   */
  public PrometheusApi(
      Function<String, Querier> querierForTenant,
      ChunkQueryable chunks,
      String tenantHeader,
      String defaultTenant,
      Clock clock,
      int maxRemoteReadSamples) {
    this(
        querierForTenant,
        chunks,
        tenantHeader,
        defaultTenant,
        clock,
        maxRemoteReadSamples,
        QueryOptions.DEFAULTS);
  }

  /**
   * The same, with the PromQL endpoints' limits ({@code /api/v1/query} and {@code
   * /api/v1/query_range} read through {@code chunks}; without it they are not served).
   */
  public PrometheusApi(
      Function<String, Querier> querierForTenant,
      ChunkQueryable chunks,
      String tenantHeader,
      String defaultTenant,
      Clock clock,
      int maxRemoteReadSamples,
      QueryOptions queryOptions) {
    this.chunks = chunks;
    this.querierForTenant = Objects.requireNonNull(querierForTenant, "querierForTenant");
    this.tenantHeader = Objects.requireNonNull(tenantHeader, "tenantHeader");
    this.defaultTenant = Objects.requireNonNull(defaultTenant, "defaultTenant");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.remoteRead = new RemoteRead(maxRemoteReadSamples);
    this.queries = new QueryEndpoints(queryOptions, clock);
    this.extras = TenantExtras.NONE;
    this.status = new StatusEndpoints(BuildInfo.ofGateway("dev"), queryOptions.flags());
    this.scoped = null;
  }

  /** A copy of {@code base} with other extras, status or reads; the copy shares the query turns. */
  private PrometheusApi(
      PrometheusApi base, TenantExtras extras, StatusEndpoints status, ScopedReads scoped) {
    this.querierForTenant = base.querierForTenant;
    this.tenantHeader = base.tenantHeader;
    this.defaultTenant = base.defaultTenant;
    this.clock = base.clock;
    this.remoteRead = base.remoteRead;
    this.chunks = base.chunks;
    this.queries = base.queries;
    this.extras = extras;
    this.status = status;
    this.scoped = scoped;
  }

  /** PromQL queries holding one of the {@code --query.max-concurrent} turns now. */
  public int queriesRunning() {
    return queries.running();
  }

  /** {@code --query.max-concurrent}: the PromQL queries that may run at once. */
  public int maxConcurrentQueries() {
    return queries.maxConcurrent();
  }

  /**
   * This API answering {@code /api/v1/metadata} and {@code /api/v1/query_exemplars} from {@code
   * extras}; without it both answer as for a tenant that has neither (an empty object, an empty
   * list).
   */
  public PrometheusApi withExtras(TenantExtras extras) {
    return new PrometheusApi(this, Objects.requireNonNull(extras, "extras"), status, scoped);
  }

  /**
   * This API answering {@code /api/v1/status/buildinfo} with {@code build} and {@code
   * /api/v1/status/flags} with {@code flags} (name without {@code --} to value); without it, a
   * "dev" build and the query options' flags.
   */
  public PrometheusApi withStatus(BuildInfo build, Map<String, String> flags) {
    return new PrometheusApi(this, extras, new StatusEndpoints(build, flags), scoped);
  }

  /**
   * This API reading PromQL, series and label requests through {@code reads}, whatever the tenant
   * header says (the query role: one view over many stores), with the warnings the reads met in
   * each answer. Remote read is not served then (404), as Thanos Query does not serve it.
   */
  public PrometheusApi withScopedReads(ScopedReads reads) {
    return new PrometheusApi(this, extras, status, Objects.requireNonNull(reads, "reads"));
  }

  /**
   * Answers {@code req} when its path is one of this API's endpoints, else returns null. The caller
   * keeps ownership of {@code req}; the response is new and the caller sends (and so releases) it.
   */
  public FullHttpResponse handle(FullHttpRequest req) {
    return handle(req, null, ByteBufAllocator.DEFAULT);
  }

  /**
   * The same, where an answer too large to build whole (a streamed remote read) may be sent through
   * {@code stream} instead: then null is returned, and the stream was started and ended (or
   * aborted). {@code stream} may be null (no streaming).
   */
  public FullHttpResponse handle(FullHttpRequest req, HttpStream stream, ByteBufAllocator alloc) {
    QueryStringDecoder uri =
        new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8, true, MAX_QUERY_PARAMS, true);
    String path = uri.rawPath();
    Endpoint endpoint = EXACT_PATHS.get(path);
    String labelName = null;
    if (endpoint == null
        && path.startsWith(LABEL_PREFIX)
        && path.endsWith(VALUES_SUFFIX)
        && path.length() >= LABEL_PREFIX.length() + VALUES_SUFFIX.length()
        && path.indexOf('/', LABEL_PREFIX.length()) == path.length() - VALUES_SUFFIX.length()) {
      endpoint = Endpoint.LABEL_VALUES;
      labelName = path.substring(LABEL_PREFIX.length(), path.length() - VALUES_SUFFIX.length());
    }
    if (endpoint == null
        || ((endpoint == Endpoint.QUERY || endpoint == Endpoint.QUERY_RANGE)
            && chunks == null
            && scoped == null)
        || (endpoint == Endpoint.READ && scoped != null)) {
      return null;
    }
    HttpMethod method = req.method();
    if (!endpoint.allows(method)) {
      return methodNotAllowed(endpoint.allow);
    }
    long began = clock.millis();
    try {
      FullHttpResponse r = dispatch(endpoint, req, uri, labelName, stream, alloc);
      if (r == null && stream == null) {
        throw new IllegalStateException("an answer was streamed without a stream");
      }
      return r;
    } finally {
      long took = clock.millis() - began;
      if (took >= SLOW_MILLIS) {
        log.warn("slow query API request {} {} took {} ms", method, path, took);
      }
    }
  }

  private FullHttpResponse dispatch(
      Endpoint endpoint,
      FullHttpRequest req,
      QueryStringDecoder uri,
      String rawLabelName,
      HttpStream stream,
      ByteBufAllocator alloc) {
    String tenant = req.headers().get(tenantHeader);
    if (tenant == null || tenant.isEmpty()) {
      tenant = defaultTenant;
    }
    if (!TenantId.isValid(tenant)) {
      String msg =
          "invalid tenant id in header "
              + tenantHeader
              + ": must be 1-"
              + TenantId.MAX_LENGTH
              + " of [A-Za-z0-9._-] and not \".\" or \"..\"";
      return endpoint == Endpoint.READ
          ? RemoteRead.text(HttpResponseStatus.BAD_REQUEST, msg)
          : JsonResponses.error(ApiException.badData(msg));
    }
    try {
      if (endpoint == Endpoint.READ) {
        return remoteRead.handle(
            req, querierForTenant.apply(tenant), chunks, tenant, stream, alloc);
      }
      FormParams params = FormParams.of(req, uri);
      Reads reads = reads(endpoint, params, tenant);
      switch (endpoint) {
        case QUERY:
          return queries.query(params, reads.source, reads.warnings, stream, alloc);
        case QUERY_RANGE:
          return queries.queryRange(params, reads.source, reads.warnings, stream, alloc);
        case FORMAT_QUERY:
          return QueryEndpoints.formatQuery(params);
        case QUERY_EXEMPLARS:
          return new ExemplarsEndpoint(extras).handle(params, tenant);
        case METADATA:
          return new MetadataEndpoint(extras).handle(params, tenant);
        case BUILD_INFO:
          return status.buildInfo();
        case FLAGS:
          return status.flags();
        case RULES:
          return status.rules(params);
        case ALERTS:
          return status.alerts();
        case SERIES:
          return series(params, tenant, reads);
        case LABELS:
          return labels(params, tenant, reads);
        default:
          return labelValues(rawLabelName, params, tenant, reads);
      }
    } catch (ApiException e) {
      return JsonResponses.error(e);
    } catch (RuntimeException e) {
      // NOTE: a querier failure is our fault, not the client's: 500, and logged with its cause.
      log.warn("query API request for tenant {} failed", tenant, e);
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return endpoint == Endpoint.READ
          ? RemoteRead.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, msg)
          : JsonResponses.error(ApiException.internal(msg));
    }
  }

  /** Where a request's data comes from, and the warnings its reads met. */
  private record Reads(QuerierSource source, Supplier<List<String>> warnings) {}

  private static final Set<Endpoint> SCOPED =
      EnumSet.of(
          Endpoint.QUERY,
          Endpoint.QUERY_RANGE,
          Endpoint.SERIES,
          Endpoint.LABELS,
          Endpoint.LABEL_VALUES);

  /** The tenant's data, or this request's scoped reads. */
  private Reads reads(Endpoint endpoint, FormParams params, String tenant) {
    if (scoped == null || !SCOPED.contains(endpoint)) {
      return chunks == null
          ? null
          : new Reads((mint, maxt) -> chunks.chunkQuerier(tenant, mint, maxt), List::of);
    }
    ScopedReads.Scope scope;
    try {
      scope = scoped.open(params::all);
    } catch (IllegalArgumentException e) {
      throw ApiException.badData(e.getMessage());
    }
    QuerierSource source =
        new QuerierSource() {
          @Override
          public ChunkQuerier open(long mint, long maxt) {
            return scope.querier(mint, maxt, null);
          }

          @Override
          public ChunkQuerier open(long mint, long maxt, String function) {
            return scope.querier(mint, maxt, function);
          }
        };
    return new Reads(source, scope::warnings);
  }

  private FullHttpResponse series(FormParams params, String tenant, Reads reads) {
    List<String> match = params.all("match[]");
    if (match.isEmpty()) {
      throw ApiException.badData("no match[] parameter provided");
    }
    int limit = limit(params);
    long start = time(params, "start", Long.MIN_VALUE);
    long end = time(params, "end", Long.MAX_VALUE);
    List<Matcher[]> selectors = selectors(match);
    List<Labels> result;
    List<String> warnings = new ArrayList<>(1);
    if (reads != null) {
      result = streamedSeries(reads.source, selectors, start, end, limit);
      warnings.addAll(reads.warnings.get());
    } else {
      Querier q = querierForTenant.apply(tenant);
      result = q == null ? List.of() : q.series(selectors, start, end);
    }
    List<Labels> out = truncate(result, limit, warnings);
    return JsonResponses.success(
        g -> {
          g.writeStartArray();
          for (Labels l : out) {
            JsonResponses.writeLabels(g, l);
          }
          g.writeEndArray();
        },
        warnings);
  }

  private FullHttpResponse labels(FormParams params, String tenant, Reads reads) {
    int limit = limit(params);
    long start = time(params, "start", Long.MIN_VALUE);
    long end = time(params, "end", Long.MAX_VALUE);
    List<Matcher[]> selectors = selectors(params.all("match[]"));
    List<String> names;
    List<String> warnings = new ArrayList<>(1);
    if (reads != null) {
      names = streamedLabels(reads.source, selectors, start, end, null);
      warnings.addAll(reads.warnings.get());
    } else {
      Querier q = querierForTenant.apply(tenant);
      names = q == null ? List.of() : q.labelNames(selectors, start, end);
    }
    List<String> out = truncate(names, limit, warnings);
    return JsonResponses.success(g -> JsonResponses.writeStrings(g, out), warnings);
  }

  private FullHttpResponse labelValues(
      String rawName, FormParams params, String tenant, Reads reads) {
    String name = LabelNamePath.unescape(LabelNamePath.decodeSegment(rawName));
    // Prometheus 3 accepts any non-empty UTF-8 label name; Java strings are always UTF-16 text.
    if (name.isEmpty()) {
      throw ApiException.badData("invalid label name: \"" + name + "\"");
    }
    int limit = limit(params);
    long start = time(params, "start", Long.MIN_VALUE);
    long end = time(params, "end", Long.MAX_VALUE);
    List<Matcher[]> selectors = selectors(params.all("match[]"));
    List<String> values;
    List<String> warnings = new ArrayList<>(1);
    if (reads != null) {
      values = streamedLabels(reads.source, selectors, start, end, name);
      warnings.addAll(reads.warnings.get());
    } else {
      Querier q = querierForTenant.apply(tenant);
      values = q == null ? List.of() : q.labelValues(name, selectors, start, end);
    }
    List<String> out = truncate(values, limit, warnings);
    return JsonResponses.success(g -> JsonResponses.writeStrings(g, out), warnings);
  }

  /**
   * Parses every {@code match[]} with the PromQL parser (quoted UTF-8 names allowed, as Prometheus
   * 3 allows them); each must parse and hold a matcher not matching "".
   */
  static List<Matcher[]> selectors(List<String> match) {
    List<Matcher[]> out = new ArrayList<>(match.size());
    for (String s : match) {
      List<Matcher> m;
      try {
        m = PromqlParser.parseSelector(s).matchers();
      } catch (ParseException e) {
        throw ApiException.invalidParam("match[]", e.getMessage());
      }
      if (!Matcher.anyNonEmpty(m)) {
        throw ApiException.invalidParam(
            "match[]", "match[] must contain at least one non-empty matcher");
      }
      out.add(m.toArray(new Matcher[0]));
    }
    return out;
  }

  static long time(FormParams params, String name, long dflt) {
    String v = params.first(name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      return PromTime.parseMillis(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidParam(
          name, "invalid time value for '" + name + "': " + e.getMessage());
    }
  }

  /** Prometheus' {@code limit}: absent or 0 is no limit. */
  static int limit(FormParams params) {
    String v = params.first("limit");
    if (v.isEmpty()) {
      return 0;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalidParam(
          "limit", "strconv.Atoi: parsing \"" + v + "\": invalid syntax");
    }
    if (n < 0) {
      throw ApiException.invalidParam("limit", "limit must be non-negative");
    }
    return n;
  }

  /**
   * The union of the selectors' series, read one series at a time, labels only, keeping at most
   * {@code limit + 1} (the +1 tells that the answer was truncated): memory grows with the limit,
   * not with the number of matching series.
   */
  private static List<Labels> streamedSeries(
      QuerierSource source, List<Matcher[]> selectors, long start, long end, int limit) {
    TreeSet<Labels> kept = new TreeSet<>(LabelOrder.LABELS);
    try (ChunkQuerier q = source.open(start, end)) {
      for (Matcher[] selector : selectors) {
        ChunkSeriesSet set = q.selectSeries(selector);
        while (set.next()) {
          Labels l = set.labels();
          if (limit > 0 && kept.size() > limit) {
            // Full: only a series below the largest kept one may still get in; the rest of
            // this selector's stream, in label order, is larger still.
            if (LabelOrder.compareLabels(l, kept.last()) >= 0) {
              break;
            }
            kept.pollLast();
          }
          kept.add(l);
        }
      }
    }
    return new ArrayList<>(kept);
  }

  /**
   * Label names ({@code name} null) or the values of label {@code name}, over the series any
   * selector selects (no selector: all series) with data in [start, end], sorted: read under one
   * leased querier, as the series endpoint reads, so a block cut or truncation meanwhile neither
   * hides nor doubles anything.
   */
  private static List<String> streamedLabels(
      QuerierSource source, List<Matcher[]> selectors, long start, long end, String name) {
    try (ChunkQuerier q = source.open(start, end)) {
      if (selectors.isEmpty()) {
        return name == null ? q.labelNames() : q.labelValues(name);
      }
      TreeSet<String> out = new TreeSet<>(LabelOrder.UTF8);
      for (Matcher[] selector : selectors) {
        out.addAll(name == null ? q.labelNames(selector) : q.labelValues(name, selector));
      }
      return new ArrayList<>(out);
    }
  }

  private static <T> List<T> truncate(List<T> all, int limit, List<String> warnings) {
    if (limit > 0 && all.size() > limit) {
      warnings.add(TRUNCATED);
      return all.subList(0, limit);
    }
    return all;
  }

  private static FullHttpResponse methodNotAllowed(String allow) {
    byte[] body = "Method Not Allowed\n".getBytes(StandardCharsets.US_ASCII);
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.ALLOW, allow);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return res;
  }

  private enum Endpoint {
    SERIES(GET_POST),
    LABELS(GET_POST),
    LABEL_VALUES(GET_POST),
    READ("POST"),
    QUERY(GET_POST),
    QUERY_RANGE(GET_POST),
    FORMAT_QUERY(GET_POST),
    QUERY_EXEMPLARS(GET_POST),
    METADATA("GET"),
    BUILD_INFO("GET"),
    FLAGS("GET"),
    RULES("GET"),
    ALERTS("GET");

    /** The methods Prometheus routes for it, as the {@code Allow} header of a 405 lists them. */
    final String allow;

    Endpoint(String allow) {
      this.allow = allow;
    }

    boolean allows(HttpMethod m) {
      return (m.equals(HttpMethod.GET) && allow.contains("GET"))
          || (m.equals(HttpMethod.POST) && allow.contains("POST"));
    }
  }

  private static final Map<String, Endpoint> EXACT_PATHS =
      Map.ofEntries(
          Map.entry(SERIES, Endpoint.SERIES),
          Map.entry(LABELS, Endpoint.LABELS),
          Map.entry(READ, Endpoint.READ),
          Map.entry(QueryEndpoints.QUERY, Endpoint.QUERY),
          Map.entry(QueryEndpoints.QUERY_RANGE, Endpoint.QUERY_RANGE),
          Map.entry(QueryEndpoints.FORMAT_QUERY, Endpoint.FORMAT_QUERY),
          Map.entry(ExemplarsEndpoint.PATH, Endpoint.QUERY_EXEMPLARS),
          Map.entry(MetadataEndpoint.PATH, Endpoint.METADATA),
          Map.entry(StatusEndpoints.BUILD_INFO, Endpoint.BUILD_INFO),
          Map.entry(StatusEndpoints.FLAGS, Endpoint.FLAGS),
          Map.entry(StatusEndpoints.RULES, Endpoint.RULES),
          Map.entry(StatusEndpoints.ALERTS, Endpoint.ALERTS));
}
