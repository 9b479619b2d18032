package io.rwgateway.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.rwgateway.ingest.decode.DecodeException;
import io.rwgateway.ingest.decode.RemoteWriteDecoder;
import io.rwgateway.ingest.decode.SnappyBody;
import io.rwgateway.ingest.limits.WriteLimiter;
import io.rwgateway.model.TenantId;
import io.rwgateway.tsdb.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /api/v1/receive (and /api/v1/write): remote-write 1.0 and 2.0.
 *
 * <p>On the event loop: negotiate, decompress, decode into a pooled {@link WriteBatch}; then the
 * batch goes through the {@link WriteRing} to the WAL writer, and the answer is written back on the
 * channel's own event loop once the batch is in the WAL.
 *
 * <p>NOTE: the decoder and the batch pool are per event-loop thread, and a batch always returns to
 * the loop that took it (the answer runs on the channel's loop), so neither needs locking.
 */
@ChannelHandler.Sharable
public final class RemoteWriteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteHandler.class);
  static final String SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";
  static final String HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";
  static final String EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";
  private static final int POOL_MAX = 64;

  /** Thanos Receive's answer to a request over a limit of the limits file. */
  private static final HttpResponseStatus TOO_LARGE = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;

  private final RemoteWriteOptions options;
  private final WriteRing ring;
  private final WriteRouter router;
  private final BooleanSupplier ready;
  private final Clock clock;
  private final IngestMetrics metrics;
  private volatile WriteLimiter limiter;
  private final FastThreadLocal<RemoteWriteDecoder> decoders;
  private final FastThreadLocal<ArrayDeque<WriteBatch>> pools =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<WriteBatch> initialValue() {
          return new ArrayDeque<>();
        }
      };

  public RemoteWriteHandler(
      RemoteWriteOptions options,
      WriteRing ring,
      BooleanSupplier ready,
      Clock clock,
      IngestMetrics metrics) {
    this(options, ring, null, ready, clock, metrics);
  }

  /**
   * With a router (hashring), requests go to their series' owners instead of straight to the ring.
   */
  public RemoteWriteHandler(
      RemoteWriteOptions options,
      WriteRing ring,
      WriteRouter router,
      BooleanSupplier ready,
      Clock clock,
      IngestMetrics metrics) {
    super(true);
    this.options = options;
    this.ring = ring;
    this.router = router;
    this.ready = ready;
    this.clock = clock;
    this.metrics = metrics;
    this.decoders =
        new FastThreadLocal<>() {
          @Override
          protected RemoteWriteDecoder initialValue() {
            return new RemoteWriteDecoder(options.limits());
          }
        };
  }

  public static boolean handles(String path) {
    return path.equals("/api/v1/receive") || path.equals("/api/v1/write");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    Exchange x =
        new Exchange(
            this,
            ctx,
            req,
            HttpUtil.isKeepAlive(req),
            System.nanoTime(),
            req.content().readableBytes());
    String path = new QueryStringDecoder(req.uri()).path();
    if (!handles(path)) {
      reply(
          x,
          HttpResponseStatus.NOT_FOUND,
          "not found: " + path + " (remote write is served at /api/v1/receive and /api/v1/write)");
      return;
    }
    if (!HttpMethod.POST.equals(req.method())) {
      reply(x, HttpResponseStatus.METHOD_NOT_ALLOWED, "remote write needs POST");
      return;
    }
    String tenant = req.headers().get(options.tenantHeader());
    if (tenant == null || tenant.isEmpty()) {
      tenant = options.defaultTenant();
    }
    String tenantProblem = TenantId.problem(tenant);
    // NOTE: an invalid tenant id is counted as tenant "", not under a label value we refuse.
    x.tenant = tenant;
    x.mt = metricsTenant(ctx, tenantProblem == null ? tenant : "");
    x.mt.started(); // in flight until send(), or until a failure that sends nothing (admitted)
    x.protocol = WriteProtocol.of(req.headers());
    if (x.protocol == null) {
      reply(
          x,
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Type \""
              + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "\": expected application/x-protobuf with proto=prometheus.WriteRequest or proto=io.prometheus.write.v2.Request");
      return;
    }
    if (!WriteProtocol.encodingSupported(req.headers())) {
      reply(
          x,
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Encoding \""
              + req.headers().get(HttpHeaderNames.CONTENT_ENCODING)
              + "\": only snappy is supported");
      return;
    }
    if (tenantProblem != null) {
      reply(x, HttpResponseStatus.BAD_REQUEST, tenantProblem);
      return;
    }
    if (!ready.getAsBoolean()) {
      reply(
          x,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "not ready: the WAL is being replayed; retry shortly");
      return;
    }
    WriteLimiter lim = limiter;
    if (lim != null && !enterGate(lim, x)) {
      return; // waits for a slot of the write gate
    }
    admitted(x);
  }

  /**
   * The tenant's metrics, kept on the connection: a sender sends one tenant's data on its
   * connections, so the lookup by name happens once per connection, not once per request.
   */
  private IngestMetrics.Tenant metricsTenant(ChannelHandlerContext ctx, String tenant) {
    Attribute<IngestMetrics.Tenant> last = ctx.channel().attr(METRICS_TENANT);
    IngestMetrics.Tenant t = last.get();
    if (t == null || !t.name().equals(tenant)) {
      t = metrics.tenant(tenant);
      last.set(t);
    }
    return t;
  }

  private static final AttributeKey<IngestMetrics.Tenant> METRICS_TENANT =
      AttributeKey.valueOf("rwgateway.metrics-tenant");

  /**
   * The concurrency gate, first as in Thanos: true when the request may go on now; false when it
   * waits its turn with its connection paused, to run on its own event loop once a slot is free.
   */
  private boolean enterGate(WriteLimiter lim, Exchange x) {
    Runnable resume = () -> x.ctx.executor().execute(() -> resume(x));
    if (lim.gate().enterOrWait(lim.maxConcurrency(), resume)) {
      return true;
    }
    // NOTE: retained after queueing is safe: the resume runs on this channel's event loop, which
    // is busy here until channelRead0 returns (and auto-releases once).
    x.req.retain();
    x.ctx.channel().config().setAutoRead(false);
    return false;
  }

  private void resume(Exchange x) {
    try {
      admitted(x);
    } finally {
      x.req.release();
    }
  }

  /**
   * The rest of a request once the gate let it in ({@code limiter} set: it holds a slot until its
   * answer is sent). Any failure here frees the slot.
   */
  private void admitted(Exchange x) {
    ChannelHandlerContext ctx = x.ctx;
    if (limiter != null) {
      // A count, not a flag: a client that pipelines may have a second request admitted before
      // the first is answered; every answer frees one slot.
      Integer held = ctx.channel().attr(GATED).get();
      ctx.channel().attr(GATED).set(held == null ? 1 : held + 1);
    }
    try {
      write(x);
    } catch (RuntimeException e) {
      releaseGate(ctx);
      x.mt.abandoned();
      throw e;
    }
  }

  private void write(Exchange x) {
    ChannelHandlerContext ctx = x.ctx;
    FullHttpRequest req = x.req;
    String tenant = x.tenant;
    WriteLimiter lim = limiter;
    if (lim != null) {
      String refused = lim.refuseHeadSeries(tenant);
      if (refused != null) {
        reply(x, HttpResponseStatus.TOO_MANY_REQUESTS, refused);
        return;
      }
      refused = lim.refuseSize(tenant, req.content().readableBytes());
      if (refused != null) {
        reply(x, TOO_LARGE, refused);
        return;
      }
    }
    ByteBuf body = req.content();
    int compressedBytes = body.readableBytes();
    if (compressedBytes == 0) {
      reply(x, HttpResponseStatus.BAD_REQUEST, "empty request body");
      return;
    }
    ArrayDeque<WriteBatch> pool = pools.get();
    WriteBatch batch = pool.isEmpty() ? new WriteBatch() : pool.pop();
    batch.reset();
    batch.tenant = tenant;
    RemoteWriteDecoder decoder = decoders.get();
    ByteBuf pb = null;
    try {
      pb = SnappyBody.decompress(body, ctx.alloc(), options.limits().maxDecompressedBytes());
      metrics.bytes(compressedBytes, pb.readableBytes());
      String refused = lim == null ? null : lim.refuseSize(tenant, pb.readableBytes());
      if (refused != null) {
        recycle(pool, batch);
        reply(x, TOO_LARGE, refused);
        return;
      }
      long createdBefore = decoder.createdTimestampsIgnored();
      long metadataBefore = decoder.metadataDropped();
      if (x.protocol == WriteProtocol.V1) {
        decoder.decodeV1(pb, batch, clock.millis());
      } else {
        decoder.decodeV2(pb, batch, clock.millis());
      }
      metrics.ignored(
          decoder.createdTimestampsIgnored() - createdBefore,
          decoder.metadataDropped() - metadataBefore);
    } catch (DecodeException e) {
      recycle(pool, batch);
      reply(x, HttpResponseStatus.valueOf(e.status()), e.getMessage());
      return;
    } finally {
      if (pb != null) {
        pb.release();
      }
    }
    // NOTE: counted after validation (series and samples rejected while decoding do not count);
    // Thanos counts before. A request over a limit is refused as a whole either way.
    String refused = lim == null ? null : lim.refuseSeries(tenant, batch.seriesCount);
    if (refused == null && lim != null) {
      refused = lim.refuseSamples(tenant, batch.sampleCount);
    }
    if (refused != null) {
      recycle(pool, batch);
      reply(x, TOO_LARGE, refused);
      return;
    }
    x.pool = pool;
    x.batch = batch;
    if (batch.seriesCount == 0 && batch.metaCount == 0) {
      x.run(); // nothing for the WAL: every series was rejected while decoding, or none sent
      return;
    }
    // One request at a time per connection: keeps answers in order and pushes back on the sender.
    if (router != null) {
      ctx.channel().config().setAutoRead(false);
      router.route(batch, ctx.executor(), x);
      return;
    }
    ring.resolveSeries(batch);
    String full = ring.admission(batch);
    if (full != null) {
      recycle(pool, batch);
      reply(x, HttpResponseStatus.SERVICE_UNAVAILABLE, full);
      return;
    }
    batch.attachment = x;
    ctx.channel().config().setAutoRead(false);
    if (!ring.tryPublish(batch, RemoteWriteHandler::completed)) {
      ctx.channel().config().setAutoRead(true);
      recycle(pool, batch);
      reply(x, HttpResponseStatus.SERVICE_UNAVAILABLE, unavailableReason(ring));
    }
  }

  /** Why a batch could not be queued: a full queue, or (the process is ending) a dead writer. */
  static String unavailableReason(WriteRing ring) {
    String dead = ring.deathNotice();
    return dead == null
        ? "write queue is full; retry with backoff"
        : "cannot write: " + dead + "; the gateway is restarting, retry with backoff";
  }

  /** On the WAL writer thread: hand the answer back to the channel's event loop. */
  private static void completed(WriteBatch batch) {
    Exchange p = (Exchange) batch.attachment;
    p.ctx.executor().execute(p);
  }

  private void finish(Exchange p) {
    WriteBatch b = p.batch;
    metrics.outcome(b);
    HttpResponseStatus status;
    String message = null;
    if (b.failure instanceof RoutingFailure) {
      status = HttpResponseStatus.SERVICE_UNAVAILABLE;
      message = b.failure.getMessage() + "; retry";
    } else if (b.failure != null) {
      status = HttpResponseStatus.SERVICE_UNAVAILABLE;
      message = "could not write to the WAL, retry: " + b.failure;
    } else if (b.firstBadData != null) {
      status = HttpResponseStatus.BAD_REQUEST;
      message = b.rejectSummary(b.firstBadData);
    } else if (b.firstConflict != null) {
      status = HttpResponseStatus.CONFLICT;
      message = b.rejectSummary(b.firstConflict);
    } else {
      status = HttpResponseStatus.NO_CONTENT;
    }
    metrics.written(p.mt, status.code(), b.seriesCount, (long) b.sampleCount + b.histCount);
    FullHttpResponse r = Responses.text(status, message);
    if (p.protocol == WriteProtocol.V2) {
      r.headers().setInt(SAMPLES_WRITTEN, b.failure == null ? b.samplesWritten : 0);
      r.headers().setInt(HISTOGRAMS_WRITTEN, b.failure == null ? b.histogramsWritten : 0);
      r.headers().setInt(EXEMPLARS_WRITTEN, b.failure == null ? b.exemplarsWritten : 0);
    }
    recycle(p.pool, b);
    p.ctx.channel().config().setAutoRead(true);
    send(p, r);
  }

  private void reply(Exchange x, HttpResponseStatus status, String message) {
    FullHttpResponse r = Responses.text(status, message);
    if (x.protocol == WriteProtocol.V2) {
      r.headers().setInt(SAMPLES_WRITTEN, 0);
      r.headers().setInt(HISTOGRAMS_WRITTEN, 0);
      r.headers().setInt(EXEMPLARS_WRITTEN, 0);
    }
    send(x, r);
  }

  private void send(Exchange x, FullHttpResponse r) {
    ChannelHandlerContext ctx = x.ctx;
    int code = r.status().code();
    if (code >= 500) {
      log.warn(
          "remote write answered code={} msg=\"{}\"",
          code,
          r.content().toString(StandardCharsets.UTF_8).trim());
    } else if (code >= 400 && log.isDebugEnabled()) {
      log.debug(
          "remote write answered code={} msg=\"{}\"",
          code,
          r.content().toString(StandardCharsets.UTF_8).trim());
    }
    metrics.answered(x.protocol, code, x.mt, x.bytes, System.nanoTime() - x.start);
    if (releaseGate(ctx)) {
      ctx.channel().config().setAutoRead(true); // it may have waited at the gate, paused
    }
    Responses.send(ctx, r, x.keepAlive);
  }

  /** Frees the gate slot the channel's request holds, if it holds one; true if it did. */
  private boolean releaseGate(ChannelHandlerContext ctx) {
    WriteLimiter lim = limiter;
    if (lim == null) {
      return false;
    }
    // On the channel's event loop, like every change of the count.
    Integer held = ctx.channel().attr(GATED).get();
    if (held == null || held == 0) {
      return false;
    }
    ctx.channel().attr(GATED).set(held - 1);
    lim.gate().exit(lim.maxConcurrency());
    return true;
  }

  /** The write-gate slots a channel's requests hold (one unless the client pipelines). */
  private static final AttributeKey<Integer> GATED = AttributeKey.valueOf("rwgateway.gated");

  /**
   * Applies the limits file's limits (Thanos' {@code --receive.limits-config-file}); call before
   * the handler serves requests.
   */
  public RemoteWriteHandler limitedBy(WriteLimiter limiter) {
    this.limiter = limiter;
    return this;
  }

  private static void recycle(ArrayDeque<WriteBatch> pool, WriteBatch b) {
    b.attachment = null;
    if (pool.size() < POOL_MAX) {
      pool.push(b);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("remote-write connection error remote={}", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  /**
   * One request from its arrival to its answer. Once its batch is queued (for the WAL, or routed),
   * it runs the answer on the channel's event loop.
   */
  private static final class Exchange implements Runnable {
    final RemoteWriteHandler handler;
    final ChannelHandlerContext ctx;
    final FullHttpRequest req;
    final boolean keepAlive;
    final long start;

    /** The request body's bytes, as received (compressed). */
    final int bytes;

    /** Null until known: a 404, a 405 or an unknown Content-Type has none. */
    WriteProtocol protocol;

    /** Null for answers not counted under Thanos' names (404, 405: as Thanos' router). */
    IngestMetrics.Tenant mt;

    String tenant;

    /** Set once decoded: the batch, and the event loop's pool it goes back to. */
    ArrayDeque<WriteBatch> pool;

    WriteBatch batch;

    Exchange(
        RemoteWriteHandler handler,
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        boolean keepAlive,
        long start,
        int bytes) {
      this.handler = handler;
      this.ctx = ctx;
      this.req = req;
      this.keepAlive = keepAlive;
      this.start = start;
      this.bytes = bytes;
    }

    @Override
    public void run() {
      handler.finish(this);
    }
  }
}
