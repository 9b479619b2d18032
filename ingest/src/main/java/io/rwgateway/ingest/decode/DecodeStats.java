package io.rwgateway.ingest.decode;

/** Counters of one decoder (one event-loop thread); read through {@link RemoteWriteDecoder}. */
final class DecodeStats {
  long requestsV1;
  long requestsV2;
  long requestsThanos;
  long requestsFailed;
  long createdTimestampsIgnored;
  long metadataDropped;
}
