package io.rwgateway.gateway;

import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.HttpHandlerMetrics;
import io.rwgateway.ingest.Responses;
import io.rwgateway.queryapi.PrometheusApi;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port (10902): /metrics, /-/healthy, /-/ready and the Prometheus API.
 *
 * <p>NOTE: API requests may scan a lot of the head, so they run on a small executor instead of the
 * event loop, which must stay free for health checks and scrapes.
 */
@ChannelHandler.Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();
  private final PrometheusProtobufWriter protobufWriter = new PrometheusProtobufWriter();
  private final Supplier<String> notReady;
  private final Supplier<PrometheusApi> api;
  private final Supplier<String> deathNotice;
  private final ExecutorService apiExecutor;
  private final Map<String, Supplier<FullHttpResponse>> routes = new ConcurrentHashMap<>();
  private volatile String routePrefix = "";
  private ApiMetrics apiMetrics;

  /**
   * @param notReady null when the role is ready, else why not (the text of /-/ready's 503, and of
   *     the API's while {@code api} gives null)
   * @param deathNotice null while healthy, else what died
   * @param api the Prometheus API, null until it can answer; a role without one gives a router
   *     whose {@code api} is null, and unknown paths answer 404 once ready
   */
  HttpRouter(
      PrometheusRegistry registry,
      Supplier<String> notReady,
      Supplier<String> deathNotice,
      Supplier<PrometheusApi> api,
      ExecutorService apiExecutor) {
    super(false);
    this.registry = registry;
    this.notReady = notReady;
    this.deathNotice = deathNotice;
    this.api = api;
    this.apiExecutor = apiExecutor;
  }

  /**
   * The executor API requests run on: a thread for each PromQL query that may run at once ({@code
   * --query.max-concurrent}: they queue for their turns inside the API) and two for the other
   * endpoints; 256 more requests wait, then 503.
   */
  static ThreadPoolExecutor apiExecutor(int maxConcurrentQueries) {
    return new ThreadPoolExecutor(
        maxConcurrentQueries + 2,
        maxConcurrentQueries + 2,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(256),
        r -> {
          Thread t = new Thread(r, "api");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Serves {@code path} (below the route prefix) with {@code handler}, on the event loop: for small
   * answers built from memory. Call before the server binds.
   */
  HttpRouter route(String path, Supplier<FullHttpResponse> handler) {
    routes.put(path, handler);
    return this;
  }

  /**
   * Serves the API below {@code prefix} ({@code /prefix/api/v1/query}), as Prometheus' and Thanos'
   * {@code --web.route-prefix}; {@code /metrics} and {@code /-/*} stay at the root. "" for none.
   */
  HttpRouter withRoutePrefix(String prefix) {
    this.routePrefix = prefix;
    return this;
  }

  /**
   * Counts API requests in Thanos' {@code http_requests_total} and {@code
   * http_request_duration_seconds}, under Thanos' handler names, with the tenant from {@code
   * tenantHeader} (or {@code defaultTenant}). Call before the server binds.
   */
  HttpRouter instrumentedBy(HttpHandlerMetrics metrics, String tenantHeader, String defaultTenant) {
    this.apiMetrics = new ApiMetrics(metrics, tenantHeader, defaultTenant);
    return this;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String path = new QueryStringDecoder(req.uri()).path();
    String prefix = routePrefix;
    FullHttpResponse own = null;
    switch (path) {
      case "/-/healthy":
        String dead = deathNotice.get();
        own =
            dead == null
                ? Responses.text(HttpResponseStatus.OK, "OK")
                : Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "unhealthy: " + dead);
        break;
      case "/-/ready":
        String why = notReady.get();
        own =
            why == null
                ? Responses.text(HttpResponseStatus.OK, "OK")
                : Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + why);
        break;
      case "/metrics":
        own = metrics(ctx, req.headers().get(HttpHeaderNames.ACCEPT));
        break;
      default:
        break;
    }
    if (own == null && !prefix.isEmpty()) {
      if (path.startsWith(prefix + "/")) {
        path = path.substring(prefix.length());
        req.setUri(req.uri().substring(prefix.length()));
      } else {
        own = Responses.text(HttpResponseStatus.NOT_FOUND, "not found: " + path);
      }
    }
    Supplier<FullHttpResponse> route = own == null ? routes.get(path) : null;
    String apiPath = path;
    if (route != null) {
      own = route.get();
    }
    if (own != null) {
      req.release();
      Responses.send(ctx, own, keepAlive);
      return;
    }
    PrometheusApi a = api.get();
    if (a == null) {
      req.release();
      String why = notReady.get();
      Responses.send(
          ctx,
          why != null
              ? Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + why)
              : Responses.text(HttpResponseStatus.NOT_FOUND, "not found: " + path),
          keepAlive);
      return;
    }
    try {
      apiExecutor.execute(() -> serveApi(ctx, req, a, keepAlive, apiPath));
    } catch (RejectedExecutionException e) {
      req.release();
      Responses.send(
          ctx,
          Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many concurrent queries"),
          keepAlive);
    }
  }

  private void serveApi(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      PrometheusApi a,
      boolean keepAlive,
      String path) {
    long start = System.nanoTime();
    // Taken before the request is released; null for paths Thanos does not instrument.
    HttpHandlerMetrics.Handler.Tenant counted =
        apiMetrics == null ? null : apiMetrics.request(req, path);
    long requestBytes = req.content().readableBytes();
    if (counted != null) {
      counted.started();
    }
    FullHttpResponse r;
    NettyHttpStream stream = new NettyHttpStream(ctx, keepAlive);
    try {
      r = a.handle(req, stream, ctx.alloc());
      if (r == null && stream.started()) {
        if (counted != null) {
          counted.answered(stream.status(), requestBytes, System.nanoTime() - start);
        }
        return; // streamed, and ended (or aborted) by the API
      }
      if (r == null) {
        r = Responses.text(HttpResponseStatus.NOT_FOUND, "not found: " + path);
      }
    } catch (RuntimeException | StackOverflowError e) {
      // NOTE: a StackOverflowError is one request's failure, not the process': without this it
      // would reach the uncaught-exception handler, which ends the gateway (FatalErrors).
      log.error("API request failed path={}", path, e);
      if (stream.started()) {
        stream.abort(e.toString());
        if (counted != null) {
          counted.answered(stream.status(), requestBytes, System.nanoTime() - start);
        }
        return;
      }
      r = Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    } finally {
      req.release();
    }
    if (!r.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    }
    if (counted != null) {
      counted.answered(r.status().code(), requestBytes, System.nanoTime() - start);
    }
    Responses.send(ctx, r, keepAlive);
  }

  /**
   * The metrics in Prometheus' protobuf format when {@code accept} asks for it (as a Prometheus
   * with native histograms on does: the only format that carries them), else in its text format,
   * also for OpenMetrics (as always).
   */
  private FullHttpResponse metrics(ChannelHandlerContext ctx, String accept) {
    ExpositionFormatWriter writer =
        accept != null && protobufWriter.isAvailable() && protobufWriter.accepts(accept)
            ? protobufWriter
            : metricsWriter;
    var buf = ctx.alloc().buffer(16 * 1024);
    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      buf.release();
      return Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics: " + e);
    }
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    return r;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("http connection error remote={}", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
