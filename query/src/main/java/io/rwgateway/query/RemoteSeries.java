package io.rwgateway.query;

import io.rwgateway.model.Labels;
import java.util.List;

/** One series from one endpoint: its labels and all its chunks, frames already joined. */
public record RemoteSeries(Labels labels, List<RemoteChunk> chunks) {}
