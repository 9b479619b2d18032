#!/usr/bin/env bash
# Remakes the blocks of this directory with the Debian packages of Prometheus 2.42 (see README.md).
# promtool backfills 10 h of three gauges in 2 h blocks; a real Prometheus then opens the directory
# and, at its first compaction (a minute after start), merges the three oldest blocks into one
# level-2 block. Usage: make-fixture.sh [port]   (a free loopback port for Prometheus' web UI)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-19377}"
W="$(mktemp -d)"
mkdir -p "$W/prom"
python3 - "$W/om.txt" <<'PY'
import sys
T0 = 1_700_000_000_000 // 21_600_000 * 21_600_000  # 2023-11-14T18:00:00Z, aligned to 6 h
out = ["# HELP sidecar_test A test gauge.", "# TYPE sidecar_test gauge"]
for s in range(3):
    for i, t in enumerate(range(T0, T0 + 10 * 3_600_000, 60_000)):
        out.append('sidecar_test{instance="i%d"} %d %d.%03d' % (s, s * 1000 + i, t // 1000, t % 1000))
out.append("# EOF")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
promtool tsdb create-blocks-from openmetrics "$W/om.txt" "$W/prom"
cp -a "$W/prom" "$W/orig"
printf 'global:\n  scrape_interval: 1h\n' > "$W/prometheus.yml"
prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/prom" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" >"$W/prometheus.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do
  if grep -l '"level": 2' "$W"/prom/*/meta.json >/dev/null 2>&1; then break; fi
  sleep 1
done
sleep 2
kill "$pid"; wait "$pid" || true
meta="$(grep -l '"level": 2' "$W"/prom/*/meta.json)"
compacted="$(dirname "$meta")"
rm -rf "$here/level2" "$here/level1-sources"
mkdir -p "$here/level2" "$here/level1-sources"
cp -a "$compacted" "$here/level2/"
for src in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["compaction"]["sources"]))' "$meta"); do
  cp -a "$W/orig/$src" "$here/level1-sources/"
done
rm -rf "$W"
