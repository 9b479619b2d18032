package io.rwgateway.gateway;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.rwgateway.ingest.HttpHandlerMetrics;

/**
 * The Prometheus API's requests in Thanos' HTTP metrics, under the handler names Thanos Query gives
 * its routes ({@code query}, {@code query_range}, {@code series}, {@code label_names}, ...), which
 * the mixin's query dashboard and alerts select on. Paths Thanos does not serve this way are not
 * counted (they are not errors of the query path).
 *
 * <p>NOTE: the handlers and methods are resolved here once; the tenant of a request without the
 * header (the usual case) is too. A request naming a tenant costs one map lookup, which is nothing
 * next to evaluating the query it carries.
 */
final class ApiMetrics {
  /** Thanos' handler names, in the order of {@link #handlerIndex}. */
  private static final String[] HANDLERS = {
    "query",
    "query_range",
    "series",
    "label_names",
    "label_values",
    "metadata",
    "exemplars",
    "rules",
    "alerts",
    "targets"
  };

  private final String tenantHeader;
  private final String defaultTenant;
  private final HttpHandlerMetrics.Handler[] get = new HttpHandlerMetrics.Handler[HANDLERS.length];
  private final HttpHandlerMetrics.Handler[] post = new HttpHandlerMetrics.Handler[HANDLERS.length];
  private final HttpHandlerMetrics.Handler.Tenant[] getDefault =
      new HttpHandlerMetrics.Handler.Tenant[HANDLERS.length];
  private final HttpHandlerMetrics.Handler.Tenant[] postDefault =
      new HttpHandlerMetrics.Handler.Tenant[HANDLERS.length];

  ApiMetrics(HttpHandlerMetrics metrics, String tenantHeader, String defaultTenant) {
    this.tenantHeader = tenantHeader;
    this.defaultTenant = defaultTenant;
    for (int i = 0; i < HANDLERS.length; i++) {
      get[i] = metrics.handler(HANDLERS[i], "get");
      post[i] = metrics.handler(HANDLERS[i], "post");
      getDefault[i] = get[i].tenant(defaultTenant);
      postDefault[i] = post[i].tenant(defaultTenant);
    }
  }

  /** Thanos' handler of an API path (below any route prefix), or -1 when Thanos has none. */
  static int handlerIndex(String path) {
    return switch (path) {
      case "/api/v1/query" -> 0;
      case "/api/v1/query_range" -> 1;
      case "/api/v1/series" -> 2;
      case "/api/v1/labels" -> 3;
      case "/api/v1/metadata" -> 5;
      case "/api/v1/query_exemplars" -> 6;
      case "/api/v1/rules" -> 7;
      case "/api/v1/alerts" -> 8;
      case "/api/v1/targets" -> 9;
      default -> path.startsWith("/api/v1/label/") && path.endsWith("/values") ? 4 : -1;
    };
  }

  /** The data points of one request, or null when it is not counted. */
  HttpHandlerMetrics.Handler.Tenant request(FullHttpRequest req, String path) {
    int h = handlerIndex(path);
    if (h < 0) {
      return null;
    }
    boolean isGet = HttpMethod.GET.equals(req.method());
    if (!isGet && !HttpMethod.POST.equals(req.method())) {
      return null; // Thanos routes only GET and POST
    }
    String tenant = req.headers().get(tenantHeader);
    if (tenant == null || tenant.isEmpty() || tenant.equals(defaultTenant)) {
      return isGet ? getDefault[h] : postDefault[h];
    }
    return (isGet ? get[h] : post[h]).tenant(tenant);
  }
}
