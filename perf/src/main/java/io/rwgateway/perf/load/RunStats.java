package io.rwgateway.perf.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counters the senders update and the progress line and the report read. */
final class RunStats {
  final LongAdder samplesOk = new LongAdder();
  final LongAdder samplesSent = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder patchNanos = new LongAdder();
  final AtomicLong maxLatencyNanos = new AtomicLong();
  final LatencyHistogram latency = new LatencyHistogram();

  /** By HTTP status; index 0 counts connection errors. */
  private final AtomicLongArray codes = new AtomicLongArray(600);

  volatile String lastError = "";

  void record(int code, long nanos, int samples, int bytes) {
    requests.increment();
    samplesSent.add(samples);
    bytesSent.add(bytes);
    codes.incrementAndGet(code >= 0 && code < 600 ? code : 0);
    latency.record(nanos);
    maxLatencyNanos.accumulateAndGet(nanos, Math::max);
    if (code / 100 == 2) {
      samplesOk.add(samples);
    } else {
      errors.increment();
    }
  }

  /** Requests by status ("0" for connection errors), for the report. */
  Map<String, Long> codes() {
    Map<String, Long> m = new TreeMap<>();
    for (int i = 0; i < 600; i++) {
      long n = codes.get(i);
      if (n > 0) {
        m.put(Integer.toString(i), n);
      }
    }
    return m;
  }
}
