package io.rwgateway.sidecar;

import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Chunk;
import java.util.List;

/**
 * One series of a remote read answer, whole: the labels it is served with and its chunks as
 * Prometheus sent them, in time order.
 */
record ReadSeries(Labels labels, List<Chunk> chunks) {}
