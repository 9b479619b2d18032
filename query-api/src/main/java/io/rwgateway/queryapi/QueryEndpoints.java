package io.rwgateway.queryapi;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.rwgateway.model.PromDuration;
import io.rwgateway.promql.engine.Engine;
import io.rwgateway.promql.engine.GoFloat;
import io.rwgateway.promql.engine.QuerierSource;
import io.rwgateway.promql.engine.QueryException;
import io.rwgateway.promql.engine.QueryResult;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.ParseException;
import io.rwgateway.promql.parser.Pretty;
import io.rwgateway.promql.parser.PromqlParser;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /api/v1/query} and {@code /api/v1/query_range}: Prometheus' parameters, limits, errors and
 * JSON. At most {@code maxConcurrent} queries evaluate at once; the rest wait for a turn within
 * their timeout.
 */
final class QueryEndpoints {
  static final String QUERY = "/api/v1/query";
  static final String QUERY_RANGE = "/api/v1/query_range";
  static final String FORMAT_QUERY = "/api/v1/format_query";

  /** Prometheus' limit of points per series in a range query. */
  static final long MAX_POINTS = 11_000;

  private final Engine engine;
  private final QueryOptions options;
  private final Semaphore turns;
  private final Clock clock;

  QueryEndpoints(QueryOptions options, Clock clock) {
    this.options = options;
    this.engine = new Engine(options.engine());
    this.turns = new Semaphore(options.maxConcurrent(), true);
    this.clock = clock;
  }

  int running() {
    return options.maxConcurrent() - turns.availablePermits();
  }

  int maxConcurrent() {
    return options.maxConcurrent();
  }

  /**
   * Answers above this many points are streamed in pieces (when the caller can stream) instead of
   * built whole: a range answer of 900k points is ~30 MB of JSON.
   */
  static final long STREAM_POINTS = 10_000;

  FullHttpResponse query(FormParams params, QuerierSource source) {
    return query(params, source, List::of, null, null);
  }

  /**
   * The same; a large answer goes through {@code stream} (then null is returned). {@code warnings}
   * gives, once the query ran, what the reads met (endpoints left out by partial response).
   */
  FullHttpResponse query(
      FormParams params,
      QuerierSource source,
      Supplier<List<String>> warnings,
      HttpStream stream,
      ByteBufAllocator alloc) {
    Expr expr = parse(params);
    long time =
        params.first("time").isEmpty()
            ? clock.millis()
            : PrometheusApi.time(params, "time", clock.millis());
    long timeout = timeout(params);
    BooleanSupplier gone = gone(stream);
    QueryResult r = run(timeout, gone, () -> engine.instant(source, expr, time, timeout, gone));
    return answer(r, warnings.get(), stream, alloc);
  }

  FullHttpResponse queryRange(FormParams params, QuerierSource source) {
    return queryRange(params, source, List::of, null, null);
  }

  /**
   * The same; as {@link #query(FormParams, QuerierSource, Supplier, HttpStream, ByteBufAllocator)}.
   */
  FullHttpResponse queryRange(
      FormParams params,
      QuerierSource source,
      Supplier<List<String>> warnings,
      HttpStream stream,
      ByteBufAllocator alloc) {
    Expr expr = parse(params);
    long start = required(params, "start");
    long end = required(params, "end");
    if (end < start) {
      throw ApiException.badData("end timestamp must not be before start time");
    }
    long step = step(params);
    if (step <= 0) {
      throw ApiException.badData(
          "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((end - start) / step > MAX_POINTS) {
      throw ApiException.badData(
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query"
              + " resolution (?step=XX)");
    }
    long timeout = timeout(params);
    BooleanSupplier gone = gone(stream);
    QueryResult r =
        run(timeout, gone, () -> engine.range(source, expr, start, end, step, timeout, gone));
    return answer(r, warnings.get(), stream, alloc);
  }

  private static FullHttpResponse answer(
      QueryResult r, List<String> warnings, HttpStream stream, ByteBufAllocator alloc) {
    if (stream != null && points(r) > STREAM_POINTS) {
      JsonResponses.streamSuccess(stream, alloc, g -> write(g, r), warnings);
      return null;
    }
    return JsonResponses.success(g -> write(g, r), warnings);
  }

  private static long points(QueryResult r) {
    if (r instanceof QueryResult.Vector v) {
      return v.samples().size();
    }
    if (r instanceof QueryResult.Matrix m) {
      long n = 0;
      for (QueryResult.Series s : m.series()) {
        n += s.size();
      }
      return n;
    }
    return 1;
  }

  /**
   * The query as Prometheus' {@code Pretty()} prints it: one line up to 100 bytes, longer
   * expressions split over indented lines.
   */
  static FullHttpResponse formatQuery(FormParams params) {
    String formatted = Pretty.format(parse(params));
    return JsonResponses.success(g -> g.writeString(formatted), List.of());
  }

  private interface Evaluation {
    QueryResult run();
  }

  private static BooleanSupplier gone(HttpStream stream) {
    return stream == null ? () -> false : () -> !stream.open();
  }

  private QueryResult run(long timeoutMillis, BooleanSupplier gone, Evaluation e) {
    long began = System.nanoTime();
    try {
      if (!turns.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw ApiException.timeout("query timed out in query queue");
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw ApiException.timeout("query interrupted while waiting in the query queue");
    }
    try {
      long left = timeoutMillis - (System.nanoTime() - began) / 1_000_000;
      if (left <= 0) {
        throw ApiException.timeout("query timed out in query queue");
      }
      if (gone.getAsBoolean()) {
        throw ApiException.canceled("query was canceled in query queue");
      }
      return e.run();
    } catch (QueryException q) {
      throw switch (q.kind()) {
        case EXECUTION -> ApiException.execution(q.getMessage());
        case TIMEOUT -> ApiException.timeout(q.getMessage());
        case CANCELED -> ApiException.canceled(q.getMessage());
        case UNAVAILABLE -> ApiException.unavailable(q.getMessage());
        case BAD_DATA -> ApiException.badData(q.getMessage());
      };
    } finally {
      turns.release();
    }
  }

  private static Expr parse(FormParams params) {
    String q = params.first("query");
    try {
      return PromqlParser.parse(q);
    } catch (ParseException e) {
      throw ApiException.invalidParam("query", e.getMessage());
    }
  }

  private static long required(FormParams params, String name) {
    if (params.first(name).isEmpty()) {
      throw ApiException.invalidParam(name, "cannot parse \"\" to a valid timestamp");
    }
    return PrometheusApi.time(params, name, 0);
  }

  /** A step as a duration ({@code 15s}) or in seconds ({@code 15}, {@code 0.5}). */
  private static long step(FormParams params) {
    String s = params.first("step");
    Long ms = durationMillis(s);
    if (ms == null) {
      throw ApiException.invalidParam("step", "cannot parse \"" + s + "\" to a valid duration");
    }
    return ms;
  }

  /** The request's {@code timeout}, at most the server's. */
  private long timeout(FormParams params) {
    String s = params.first("timeout");
    if (s.isEmpty()) {
      return options.timeoutMillis();
    }
    Long ms = durationMillis(s);
    if (ms == null) {
      throw ApiException.invalidParam("timeout", "cannot parse \"" + s + "\" to a valid duration");
    }
    return ms <= 0 ? options.timeoutMillis() : Math.min(ms, options.timeoutMillis());
  }

  static Long durationMillis(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      double d = Double.parseDouble(s);
      if (Double.isFinite(d)
          && !s.endsWith("d")
          && !s.endsWith("f")
          && !s.endsWith("D")
          && !s.endsWith("F")) {
        double ms = d * 1000;
        if (ms >= Long.MAX_VALUE) {
          return null;
        }
        return Math.round(ms);
      }
    } catch (NumberFormatException e) {
      // a duration then
    }
    Duration d = PromDuration.parse(s);
    return d == null ? null : d.toMillis();
  }

  static void write(JsonGenerator g, QueryResult r) throws IOException {
    g.writeStartObject();
    g.writeStringField("resultType", r.type());
    g.writeFieldName("result");
    // NOTE: Prometheus writes scalars and strings with encoding/json (the time as a shortest
    // float, the value in 'f' form) and vector and matrix points with its own codec (the time as
    // seconds and three-digit milliseconds, the value in 'e' form outside 1e-6..1e21).
    if (r instanceof QueryResult.Scalar s) {
      point(g, GoFloat.formatJsonNumber(s.t() / 1000.0), GoFloat.formatF(s.v()));
    } else if (r instanceof QueryResult.Str s) {
      point(g, GoFloat.formatJsonNumber(s.t() / 1000.0), s.s());
    } else if (r instanceof QueryResult.Vector v) {
      GoFloat.Writer w = new GoFloat.Writer();
      g.writeStartArray();
      for (QueryResult.Sample s : v.samples()) {
        g.writeStartObject();
        g.writeFieldName("metric");
        JsonResponses.writeLabels(g, s.labels());
        if (s.h() != null) {
          g.writeFieldName("histogram");
          HistogramJson.point(g, s.t(), s.h());
        } else {
          g.writeFieldName("value");
          point(g, w, s.t(), s.v());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } else {
      SeriesPoints points = new SeriesPoints();
      g.writeStartArray();
      for (QueryResult.Series s : ((QueryResult.Matrix) r).series()) {
        g.writeStartObject();
        g.writeFieldName("metric");
        JsonResponses.writeLabels(g, s.labels());
        // As 2.42: "values" only when there are floats, "histograms" only when there are any.
        points.clear();
        s.forEach(points::add);
        if (!points.isEmpty()) {
          g.writeFieldName("values");
          g.writeRawValue(points.chars(), 0, points.length());
        }
        if (s.histograms() > 0) {
          g.writeFieldName("histograms");
          g.writeStartArray();
          s.forEachHistogram((t, h) -> HistogramJson.point(g, t, h));
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** {@code [<unix seconds>, "<value>"]}. */
  private static void point(JsonGenerator g, String time, String value) throws IOException {
    g.writeStartArray();
    g.writeRawValue(time);
    g.writeString(value);
    g.writeEndArray();
  }

  /**
   * One series' points as one JSON array, {@code [[t,"v"],...]}, built in a reused buffer. NOTE: a
   * JSON writer checks its state and separators per call; one call per series instead of one per
   * point: per-point calls were about a quarter of the benchmark's selector range query (JFR).
   */
  private static final class SeriesPoints {
    private final GoFloat.Writer w = new GoFloat.Writer();
    private char[] buf = new char[8192];
    private int len;

    void clear() {
      buf[0] = '[';
      len = 1;
    }

    boolean isEmpty() {
      return len == 1;
    }

    void add(long t, double v) {
      int n = w.point(t, v);
      if (len + n + 2 > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + 2));
      }
      if (len > 1) {
        buf[len++] = ',';
      }
      System.arraycopy(w.buffer(), 0, buf, len, n);
      len += n;
    }

    char[] chars() {
      buf[len] = ']';
      return buf;
    }

    int length() {
      return len + 1;
    }
  }

  /**
   * A vector's or matrix' point. NOTE: through one reused buffer, no string per time or value: a
   * range answer can carry millions of points.
   */
  private static void point(JsonGenerator g, GoFloat.Writer w, long t, double v)
      throws IOException {
    g.writeRawValue(w.buffer(), 0, w.point(t, v));
  }
}
