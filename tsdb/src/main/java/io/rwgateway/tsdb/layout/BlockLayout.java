package io.rwgateway.tsdb.layout;

import io.rwgateway.model.Labels;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names inside a block directory ({@code <tenantDir>/<ULID>/}), as Prometheus lays a block out
 * (docs/format/meta-json.md): the writer, the block reader and the shipper all take them from here,
 * so a reader of blocks never needs the writer.
 */
public final class BlockLayout {
  private BlockLayout() {}

  /** The index file. */
  public static final String INDEX_FILE = "index";

  /** The directory of chunk segment files ({@code 000001}, ...). */
  public static final String CHUNKS_DIR = "chunks";

  /** The tombstones file (always empty in blocks we write). */
  public static final String TOMBSTONES_FILE = "tombstones";

  /** Suffix of a block directory being written; the same one Prometheus uses and cleans up. */
  public static final String TMP_SUFFIX = ".tmp-for-creation";

  /**
   * Label Thanos Receive adds to every block of a tenant (its {@code --receive.tenant-label-name}).
   */
  public static final String TENANT_LABEL = "tenant_id";

  /**
   * The labels of a block's {@code thanos.labels}: the external labels plus the tenant label, which
   * wins over an external label of the same name.
   */
  public static Map<String, String> thanosLabels(Labels externalLabels, String tenantId) {
    return thanosLabels(externalLabels, TENANT_LABEL, tenantId);
  }

  /** The same with the tenant under {@code tenantLabel} (Thanos' --receive.tenant-label-name). */
  public static Map<String, String> thanosLabels(
      Labels externalLabels, String tenantLabel, String tenantId) {
    Map<String, String> m = new TreeMap<>(externalLabels.toMap());
    m.put(tenantLabel, tenantId);
    return m;
  }
}
