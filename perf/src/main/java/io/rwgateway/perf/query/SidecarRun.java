package io.rwgateway.perf.query;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xerial.snappy.Snappy;

/**
 * The sidecar benchmark: the same series written to a Prometheus, then read whole, (a) straight
 * from Prometheus' streamed remote read, (b) through {@code gateway sidecar}'s StoreAPI Series,
 * which makes that same remote read and re-frames the chunks. Prints a markdown table: median time
 * to the last byte of each answer, both read as bytes and not parsed (the series and chunks the
 * sidecar answered are counted in one more, untimed, call), and peak RSS during the calls.
 *
 * <p>Arguments: {@code --prometheus URL --prometheus-pid PID --sidecar HOST:PORT --sidecar-pid PID
 * [--series N] [--hours H] [--runs R] [--warmup W]}.
 */
public final class SidecarRun {
  private SidecarRun() {}

  public static int run(String[] args, PrintStream out, PrintStream log) throws Exception {
    URI prometheus = null;
    long promPid = 0;
    String sidecar = null;
    long sidecarPid = 0;
    int series = 100_000;
    double hours = 1;
    int runs = 5;
    int warmup = 2;
    boolean write = true;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--skip-write")) {
        write = false; // the data is there from an earlier run; read the last --hours
        i--;
        continue;
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--prometheus" -> prometheus = URI.create(v);
        case "--prometheus-pid" -> promPid = Long.parseLong(v);
        case "--sidecar" -> sidecar = v;
        case "--sidecar-pid" -> sidecarPid = Long.parseLong(v);
        case "--series" -> series = Integer.parseInt(v);
        case "--hours" -> hours = Double.parseDouble(v);
        case "--runs" -> runs = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (prometheus == null || sidecar == null) {
      throw new IllegalArgumentException("--prometheus and --sidecar are required");
    }
    long endMs = System.currentTimeMillis() / 1000 * 1000;
    DataSet data = new DataSet(series, hours, endMs);
    log.printf(
        Locale.ROOT,
        "%d series, %d slices of 15 s ending at %d%n",
        data.seriesCount(),
        data.slices,
        endMs / 1000);
    Receiver prom =
        new Receiver("prometheus", prometheus.resolve("/api/v1/write"), prometheus, promPid);
    if (write) {
      new Writer(new Http(), log).write(data, List.of(prom), 2000);
    }
    long start = data.startMs();

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] readBody =
        Snappy.compress(
            ReadRequest.newBuilder()
                .addQueries(
                    Query.newBuilder()
                        .setStartTimestampMs(start)
                        .setEndTimestampMs(endMs)
                        .addMatchers(
                            LabelMatcher.newBuilder()
                                .setType(LabelMatcher.Type.RE)
                                .setName("__name__")
                                .setValue(".+")))
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                .build()
                .toByteArray());
    int colon = sidecar.lastIndexOf(':');
    ManagedChannel ch =
        NettyChannelBuilder.forAddress(
                sidecar.substring(0, colon), Integer.parseInt(sidecar.substring(colon + 1)))
            .usePlaintext()
            .directExecutor()
            .maxInboundMessageSize(64 << 20)
            .build();
    SeriesRequest seriesReq =
        SeriesRequest.newBuilder()
            .setMinTime(start)
            .setMaxTime(endMs)
            .addMatchers(
                io.rwgateway.proto.thanos.storepb.LabelMatcher.newBuilder()
                    .setType(io.rwgateway.proto.thanos.storepb.LabelMatcher.Type.RE)
                    .setName("__name__")
                    .setValue(".+"))
            .build();
    long[] direct = new long[runs];
    long[] through = new long[runs];
    long directBytes = 0;
    long throughBytes = 0;
    long[] counts = new long[2];
    long promPeak = 0;
    long sidecarPeak = 0;
    try (RssSampler rss =
        new RssSampler(
            List.of(prom, new Receiver("sidecar", prometheus, prometheus, sidecarPid)))) {
      rss.start();
      for (int r = -warmup; r < runs; r++) {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> resp =
            http.send(
                HttpRequest.newBuilder(prometheus.resolve("/api/v1/read"))
                    .header("Content-Type", "application/x-protobuf")
                    .header("Content-Encoding", "snappy")
                    .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(readBody))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = drain(resp.body());
        long t1 = System.nanoTime();
        long sidecarBytes = seriesBytes(ch, seriesReq);
        long t2 = System.nanoTime();
        if (r >= 0) {
          direct[r] = t1 - t0;
          through[r] = t2 - t1;
          directBytes = bytes;
          throughBytes = sidecarBytes;
        }
      }
      counts = series(StoreGrpc.newBlockingStub(ch), seriesReq); // untimed: what was answered
      long[] peaks = rss.takeWindow();
      promPeak = peaks[0];
      sidecarPeak = peaks[1];
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    double d = median(direct) / 1e6;
    double s = median(through) / 1e6;
    out.println("| read | series | chunks | ms (median of " + runs + ") | / remote read |");
    out.println("|---|---:|---:|---:|---:|");
    out.printf(
        Locale.ROOT,
        "| Prometheus remote read, streamed chunks (%d bytes) | | | %.0f | 1.00 |%n",
        directBytes,
        d);
    out.printf(
        Locale.ROOT,
        "| sidecar StoreAPI Series (%d bytes) | %d | %d | %.0f | %.2f |%n",
        throughBytes,
        counts[0],
        counts[1],
        s,
        s / d);
    out.printf(
        Locale.ROOT,
        "%npeak RSS during the calls: Prometheus %d MiB, sidecar %d MiB%n",
        promPeak >> 20,
        sidecarPeak >> 20);
    return counts[0] == data.seriesCount() ? 0 : 2;
  }

  private static long drain(InputStream in) throws java.io.IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    try (in) {
      for (int k = in.read(buf); k >= 0; k = in.read(buf)) {
        n += k;
      }
    }
    return n;
  }

  /** A message's bytes as they came: both reads are timed to the last byte, neither parsed. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try (stream) {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };

  /**
   * The bytes of a Series answer, read to the end without parsing it. NOTE: asynchronously, every
   * message asked for at once and taken on the transport's thread (the channel runs callbacks
   * directly): a blocking stub hands each message to the reading thread and asks for the next, a
   * cost per message (a series here) that the remote read's 64 KiB reads do not have.
   */
  private static long seriesBytes(ManagedChannel ch, SeriesRequest req) throws Exception {
    MethodDescriptor<SeriesRequest, byte[]> method =
        StoreGrpc.getSeriesMethod().toBuilder(
                StoreGrpc.getSeriesMethod().getRequestMarshaller(), RAW)
            .build();
    ClientCall<SeriesRequest, byte[]> call =
        ch.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.MINUTES));
    long[] bytes = new long[1];
    CompletableFuture<Status> done = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            bytes[0] += message.length;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            done.complete(status);
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(req);
    call.halfClose();
    Status status = done.get(10, TimeUnit.MINUTES);
    if (!status.isOk()) {
      throw status.asRuntimeException();
    }
    return bytes[0];
  }

  /** {series, chunks} of a Series answer, read to the end. */
  private static long[] series(StoreGrpc.StoreBlockingStub stub, SeriesRequest req) {
    long series = 0;
    long chunks = 0;
    byte[] last = null;
    Iterator<SeriesResponse> it = stub.withDeadlineAfter(10, TimeUnit.MINUTES).series(req);
    while (it.hasNext()) {
      SeriesResponse r = it.next();
      if (!r.hasSeries()) {
        continue;
      }
      byte[] labels = r.getSeries().toBuilder().clearChunks().build().toByteArray();
      if (last == null || !Arrays.equals(last, labels)) {
        series++;
        last = labels;
      }
      chunks += r.getSeries().getChunksCount();
    }
    return new long[] {series, chunks};
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
