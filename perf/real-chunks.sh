#!/usr/bin/env bash
# Chunk bytes per sample on real data: a Prometheus (Debian package) scrapes a node exporter, itself
# and the gateway, and remote-writes everything to the gateway for a while; the gateway is then
# stopped cleanly, which flushes its head into blocks, and the script divides the bytes of the
# blocks' chunk files by their samples (from meta.json) and runs `promtool tsdb analyze` on them.
#
# Usage: perf/real-chunks.sh [--duration 20m] [--interval 5s]
# Needs gateway/target/gateway.jar (./mvnw -B -q package -DskipTests); installs prometheus and
# prometheus-node-exporter with apt-get when missing. Everything listens on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=20m
interval=5s
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --interval) interval="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "real-chunks.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done
[ -f "$here/gateway/target/gateway.jar" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y "${missing[@]}" >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work="$(mktemp -d /tmp/rwgw-realchunks.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

ne_port=$(free_port); rw_port=$(free_port); http_port=$(free_port); prom_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" >"$work/ne.log" 2>&1 & pids+=($!)
"$here/bin/gateway" receive --remote-write.address "127.0.0.1:$rw_port" --http-address "127.0.0.1:$http_port" \
  --tsdb.path "$work/gw" >"$work/gw.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$http_port/-/ready" >/dev/null && break
  sleep 0.5
done
cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: $interval
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["127.0.0.1:$ne_port"]}]
  - job_name: prometheus
    static_configs: [{targets: ["127.0.0.1:$prom_port"]}]
  - job_name: gateway
    static_configs: [{targets: ["127.0.0.1:$http_port"]}]
remote_write:
  - url: http://127.0.0.1:$rw_port/api/v1/receive
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prom.log" 2>&1 & pids+=($!)
echo "real-chunks.sh: scraping every $interval for $duration ..." >&2
sleep "$duration"
kill "${pids[-1]}"; sleep 2            # stop Prometheus (it sends what is queued)
kill "$gw_pid"; wait "$gw_pid" || true # clean stop: the head is flushed into blocks
python3 - "$work/gw/default-tenant" <<'PY'
import json, os, sys
root = sys.argv[1]
chunk_bytes = samples = series = 0
for d in sorted(os.listdir(root)):
    meta = os.path.join(root, d, "meta.json")
    if not os.path.exists(meta):
        continue
    m = json.load(open(meta))
    samples += m["stats"]["numSamples"]; series = max(series, m["stats"]["numSeries"])
    cdir = os.path.join(root, d, "chunks")
    chunk_bytes += sum(os.path.getsize(os.path.join(cdir, f)) for f in os.listdir(cdir))
print(f"series={series} samples={samples} chunk_bytes={chunk_bytes} bytes_per_sample={chunk_bytes / samples:.3f}")
PY
for b in "$work"/gw/default-tenant/*/meta.json; do
  promtool tsdb analyze "$work/gw/default-tenant" "$(basename "$(dirname "$b")")" | head -8
done
