package io.rwgateway.perf.load;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Avalanche-like series: slot {@code s} is series {@code s % seriesPerMetric} of metric {@code
 * avalanche_metric_<s / seriesPerMetric>}, with labels {@code cycle_id} (its generation: churn
 * bumps it, which makes a new series), {@code label_key_k} and {@code series_id}. Generations are
 * owned by the one thread that builds templates.
 */
final class SeriesModel {
  private final LoadConfig cfg;
  private final int[] generation;
  private final String[] labelKeys;
  private final String[] labelValues;
  private int churnCursor;

  SeriesModel(LoadConfig cfg) {
    this.cfg = cfg;
    this.generation = new int[cfg.series];
    this.labelKeys = new String[cfg.labels];
    for (int k = 0; k < cfg.labels; k++) {
      labelKeys[k] = "label_key_" + k;
    }
    // NOTE: sorted so that the label pairs below come out in the order remote write requires
    // (label_key_10 sorts before label_key_2).
    Arrays.sort(labelKeys);
    this.labelValues = new String[Math.min(cfg.labelCardinality, 100_000)];
    for (int v = 0; v < labelValues.length; v++) {
      labelValues[v] = "label_val_" + v;
    }
  }

  int metricOf(int slot) {
    return slot / cfg.seriesPerMetric();
  }

  int generation(int slot) {
    return generation[slot];
  }

  /**
   * The labels of a slot, sorted by name, as alternating name/value strings in {@code out} (length
   * {@link #labelCount()} * 2).
   */
  void labels(int slot, String[] out) {
    int i = 0;
    out[i++] = "__name__";
    out[i++] = "avalanche_metric_" + metricOf(slot);
    out[i++] = "cycle_id";
    out[i++] = Integer.toString(generation[slot]);
    for (String key : labelKeys) {
      int k = Integer.parseInt(key, 10, key.length(), 10);
      long h = (slot * 0x9E3779B97F4A7C15L) ^ (k * 0xC2B2AE3D27D4EB4FL);
      int v = (int) Long.remainderUnsigned(h >>> 17, cfg.labelCardinality);
      out[i++] = key;
      out[i++] = v < labelValues.length ? labelValues[v] : "label_val_" + v;
    }
    out[i++] = "series_id";
    out[i] = Integer.toString(slot % cfg.seriesPerMetric());
  }

  int labelCount() {
    return cfg.labels + 3;
  }

  /**
   * Replaces the next {@code --churn-percent} of the slots (a cursor that wraps), like a rollout
   * that restarts part of the targets. Returns the batches touched.
   */
  BitSet churn() {
    int n = (int) Math.ceil(cfg.series * cfg.churnPercent / 100.0);
    BitSet touched = new BitSet(cfg.batches());
    for (int i = 0; i < n; i++) {
      int slot = churnCursor;
      generation[slot]++;
      touched.set(slot / cfg.batch);
      churnCursor = (churnCursor + 1) % cfg.series;
    }
    return touched;
  }
}
