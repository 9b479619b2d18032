package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChunkQuerier} over one Prometheus: series and chunks through streamed remote read
 * ({@code STREAMED_XOR_CHUNKS}: raw chunks, never decoded here), label names and values through the
 * HTTP API. Every series carries Prometheus' external labels, which win over stored labels of the
 * same name, or, bare, none of them (for a reader that attaches them itself); matchers on them are
 * decided here (see {@link ExternalLabels}). Series come in label order, streamed ({@link
 * LookaheadOrder}), or read whole and sorted when stored series carry a label named like an
 * external one ({@link SortedOrder}).
 *
 * <p>Errors: Prometheus unreachable, a 5xx or 429, or an unreadable answer throw {@link
 * IllegalStateException} (retryable, as {@link io.rwgateway.tsdb.ChunkQueryable} documents); a 4xx
 * throws {@link IllegalArgumentException} with Prometheus' message. Both keep the {@link
 * PrometheusException} as their cause.
 *
 * <p>It holds no leases (Prometheus keeps its own data consistent during a query); {@link #close}
 * closes the answers still being read. Not thread-safe.
 */
public final class RemoteReadChunkQuerier implements ChunkQuerier {
  private static final Logger log = LoggerFactory.getLogger(RemoteReadChunkQuerier.class);

  /** The content type of a streamed answer (Prometheus' {@code storage/remote} package). */
  static final String STREAMED_CONTENT_TYPE =
      "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

  private final PrometheusClient client;
  private final ExternalLabels external;
  private final long mint;
  private final long maxt;
  private final List<InputStream> open = new ArrayList<>();
  private boolean closed;

  /**
   * @param client the Prometheus to read
   * @param externalLabels its external labels as currently configured (sorted)
   * @param mint first millisecond of the range, inclusive
   * @param maxt last millisecond of the range, inclusive
   */
  public RemoteReadChunkQuerier(
      PrometheusClient client, Labels externalLabels, long mint, long maxt) {
    this(client, externalLabels, false, mint, maxt);
  }

  /**
   * @param bare series and label names without the external labels, for a reader that attaches them
   *     itself (the StoreAPI, which also decides matchers on them): one request per select, no
   *     reordering, and a {@code without_replica_labels} removal costs the reader nothing
   */
  public RemoteReadChunkQuerier(
      PrometheusClient client, Labels externalLabels, boolean bare, long mint, long maxt) {
    this.client = client;
    this.external = new ExternalLabels(externalLabels, bare);
    this.mint = mint;
    this.maxt = maxt;
  }

  @Override
  public ChunkSeriesSet select(Matcher... matchers) {
    checkOpen();
    List<Matcher> remaining = external.remaining(matchers);
    if (remaining == null || mint > maxt) {
      return ChunkSeriesSet.EMPTY;
    }
    boolean attaching = !external.isEmpty() && !external.bare();
    boolean sortWhole = attaching && storedCarryExternalNames(remaining);
    ReadRequest req =
        ReadRequest.newBuilder()
            .addQueries(query(remaining))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build();
    InputStream body = call(() -> client.remoteRead(req, STREAMED_CONTENT_TYPE));
    open.add(body);
    String url = client.url() + "/api/v1/read";
    SeriesSource source = new FrameSeriesSource(new ChunkedFrameReader(body, url), external, url);
    if (sortWhole) {
      source = new SortedOrder(source, url);
    } else if (attaching) {
      source = new LookaheadOrder(source);
    }
    return new ReadSeriesSet(source, body, url);
  }

  /**
   * Labels only: the same remote read as {@link #select} (its chunks are read and dropped), so that
   * both return the same series in the same order. Prometheus' {@code /api/v1/series} would save
   * the chunk bytes, but answers unsorted JSON whole and refuses selectors that match every series.
   */
  @Override
  public ChunkSeriesSet selectSeries(Matcher... matchers) {
    return select(matchers);
  }

  /**
   * Whether a series the matchers select stores a label named like an external label: the names
   * Prometheus reports for them over the range (its {@code /api/v1/labels} does not add external
   * labels).
   */
  private boolean storedCarryExternalNames(List<Matcher> remaining) {
    List<String> names = call(() -> client.labelNames(remaining, mint, maxt));
    for (String n : names) {
      if (external.value(n) != null) {
        log.debug(
            "stored series carry external label name, answer sorted in memory url={} label={}",
            client.url(),
            n);
        return true;
      }
    }
    return false;
  }

  private Query query(List<Matcher> remaining) {
    Query.Builder q = Query.newBuilder().setStartTimestampMs(mint).setEndTimestampMs(maxt);
    for (Matcher m : remaining) {
      q.addMatchers(
          LabelMatcher.newBuilder().setType(type(m.type())).setName(m.name()).setValue(m.value()));
    }
    if (remaining.isEmpty()) {
      // Only external-label matchers (all accepted), or none: every series. Prometheus selects
      // nothing for an empty matcher list; this one matches every series, named or not.
      q.addMatchers(
          LabelMatcher.newBuilder()
              .setType(LabelMatcher.Type.RE)
              .setName("__name__")
              .setValue(".*"));
    }
    return q.build();
  }

  private static LabelMatcher.Type type(Matcher.Type t) {
    switch (t) {
      case EQ:
        return LabelMatcher.Type.EQ;
      case NEQ:
        return LabelMatcher.Type.NEQ;
      case RE:
        return LabelMatcher.Type.RE;
      default:
        return LabelMatcher.Type.NRE;
    }
  }

  /**
   * Prometheus' names for the selected series (every series without matchers) that have data in the
   * range, plus the external label names when there is any, sorted. Prometheus answers for whole
   * blocks: a name can come from a series whose samples in the block are all outside the range.
   */
  @Override
  public List<String> labelNames(Matcher... matchers) {
    checkOpen();
    List<Matcher> remaining = external.remaining(matchers);
    if (remaining == null || mint > maxt) {
      return List.of();
    }
    List<String> names = call(() -> client.labelNames(remaining, mint, maxt));
    if (names.isEmpty()) {
      return List.of();
    }
    TreeSet<String> out = new TreeSet<>(LabelOrder.UTF8);
    out.addAll(names);
    if (!external.bare()) {
      external.labels().forEach((n, v) -> out.add(n));
    }
    out.remove("");
    return List.copyOf(out);
  }

  /**
   * Values of {@code name}; for an external label its one value, when any selected series has data
   * in the range.
   */
  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    checkOpen();
    List<Matcher> remaining = external.remaining(matchers);
    if (remaining == null || mint > maxt) {
      return List.of();
    }
    String ext = external.value(name);
    if (ext != null && !external.bare()) {
      boolean any = !call(() -> client.labelNames(remaining, mint, maxt)).isEmpty();
      return any ? List.of(ext) : List.of();
    }
    TreeSet<String> out = new TreeSet<>(LabelOrder.UTF8);
    out.addAll(call(() -> client.labelValues(name, remaining, mint, maxt)));
    out.remove("");
    return List.copyOf(out);
  }

  @Override
  public long mint() {
    return mint;
  }

  @Override
  public long maxt() {
    return maxt;
  }

  @Override
  public void close() {
    closed = true;
    for (InputStream in : open) {
      PrometheusClient.closeQuietly(in);
    }
    open.clear();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("querier is closed");
    }
  }

  private static <T> T call(Supplier<T> c) {
    try {
      return c.get();
    } catch (PrometheusException e) {
      throw translate(e);
    }
  }

  /**
   * {@link io.rwgateway.tsdb.ChunkQueryable}'s error contract: the request's fault (a 4xx) is an
   * {@link IllegalArgumentException}, anything a retry may cure an {@link IllegalStateException}.
   */
  static RuntimeException translate(PrometheusException e) {
    if (e.isClientError()) {
      return new IllegalArgumentException(e.getMessage(), e);
    }
    return new DataUnavailableException("data cannot be read now: " + e.getMessage(), e);
  }
}
