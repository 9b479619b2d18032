package io.rwgateway.ingest.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.db.EncoderVisitor;
import io.rwgateway.wal.Wal;
import org.junit.jupiter.api.Test;

/**
 * The decoder's size caps against the WAL's record budget (see
 * DecodeLimits.MAX_SERIES_LABEL_BYTES).
 */
class DecodeLimitsTest {
  /**
   * Generous room for what an entry adds to its text: kind byte, ref, timestamp, length varints.
   */
  private static final int ENTRY_FRAMING = 64;

  @Test
  void everySingleEntryFitsWhatARecordHasLeftAfterItsCut() {
    int room = Wal.MAX_PAYLOAD_BYTES - EncoderVisitor.FLUSH_BYTES;
    assertTrue(DecodeLimits.MAX_SERIES_LABEL_BYTES + ENTRY_FRAMING <= room, "series labels");
    assertTrue(DecodeLimits.MAX_HISTOGRAM_BYTES + ENTRY_FRAMING <= room, "histogram");
    assertTrue(
        3 * DecodeLimits.MAX_METADATA_TEXT_BYTES + ENTRY_FRAMING <= room,
        "metadata name, help and unit");
    // An exemplar's labels are at most 128 characters, 4 bytes each, with their lengths.
    assertTrue(
        ExemplarLabels.MAX_CHARS * 4 + 2 * ExemplarLabels.MAX_CHARS * 2 + ENTRY_FRAMING <= room,
        "exemplar");
  }
}
