package io.rwgateway.ingest.forward;

import io.grpc.Status;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A sink that records what it was given and answers as the test tells it to. */
final class RecordingSink implements ForwardSink {
  /** What one write carried, copied out of the batch (which the server reuses). */
  record Write(
      String tenant,
      long replica,
      List<Labels> series,
      List<Long> sampleT,
      List<Long> sampleBits,
      int histograms,
      int exemplars) {}

  final LinkedBlockingQueue<Write> writes = new LinkedBlockingQueue<>();
  volatile Function<WriteBatch, CompletableFuture<Status>> behavior =
      b -> CompletableFuture.completedFuture(Status.OK);

  @Override
  public CompletableFuture<Status> write(WriteBatch batch, String tenant) {
    throw new AssertionError("the server passes the replica");
  }

  @Override
  public CompletableFuture<Status> write(WriteBatch b, String tenant, long replica) {
    if (!tenant.equals(b.tenant)) {
      throw new AssertionError("batch.tenant " + b.tenant + " != " + tenant);
    }
    List<Labels> series = new ArrayList<>();
    for (int i = 0; i < b.seriesCount; i++) {
      series.add(LabelBytes.decode(b.bytes, b.seriesLabelsOff[i], b.seriesLabelsLen[i]));
    }
    List<Long> t = new ArrayList<>();
    List<Long> v = new ArrayList<>();
    for (int s = 0; s < b.sampleCount; s++) {
      t.add(b.sampleT[s]);
      v.add(Double.doubleToRawLongBits(b.sampleV[s]));
    }
    writes.add(new Write(tenant, replica, series, t, v, b.histCount, b.exCount));
    return behavior.apply(b);
  }

  Write next() throws InterruptedException {
    Write w = writes.poll(5, TimeUnit.SECONDS);
    if (w == null) {
      throw new AssertionError("the sink was not called");
    }
    return w;
  }
}
