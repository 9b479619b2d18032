#!/usr/bin/env bash
# Bytes per native histogram sample in blocks, on scraped data: Prometheus 2.42 (Debian package,
# --enable-feature=native-histograms) scrapes a target serving only native histograms
# (io.rwgateway.perf.HistogramTarget: client_java Histograms in the protobuf exposition format) and
# remote-writes them (send_native_histograms) to `bin/gateway receive`. After the duration,
# Prometheus' head is written into a block by its admin API (snapshot with skip_head=false), then
# Prometheus is stopped (it sends what is still queued) and the gateway stopped cleanly (its head is
# flushed into blocks, docs/tsdb.md "Clean shutdown"). io.rwgateway.perf.BlockHistogramStats counts
# in both the histogram chunks (encodings 2 and 3): series, chunks, samples, bytes; the table gives
# bytes per sample, samples per chunk and the ratio gateway / Prometheus; `promtool tsdb list -r`
# cross-checks samples and chunks per block.
#
# Usage: perf/histogram-bytes.sh [--duration 5m] [--interval 5s] [--series 300] [--rate 3000]
#                                [--keep-logs]
#   --rate: observations per second over all series. Run it inside one 2h block range (UTC): a run
#   across a boundary gives each side two blocks, still counted together.
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests);
# installs prometheus with apt-get when missing. Everything listens on 127.0.0.1 on free ports, data
# in a temporary directory removed at the end (kept with --keep-logs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me=histogram-bytes.sh
# shellcheck source=lib/processes.sh
. "$here/perf/lib/processes.sh"
duration=5m
interval=5s
series=300
rate=3000
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --interval) interval="$2"; shift ;;
    --series) series="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "$me: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done

bench_jar="$here/perf/target/benchmarks.jar"
need_file "$bench_jar" "$here/gateway/target/gateway.jar"
if ! command -v prometheus >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y prometheus >&2
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

work="$(mktemp -d /tmp/rwgw-histbytes.XXXXXX)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do stop "$p"; done
  if [ "$keep_logs" = 1 ]; then echo "$me: logs and data kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

target_port="$(free_port)"
"$java" -Xmx256m -cp "$bench_jar" io.rwgateway.perf.HistogramTarget --port "$target_port" \
  --series "$series" --rate "$rate" >"$work/target.log" 2>&1 &
target_pid=$!; pids+=("$target_pid")
wait_ready "http://127.0.0.1:$target_port/metrics" "$target_pid" target "$work/target.log"

rw_port="$(free_port)"; http_port="$(free_port)"; grpc_port="$(free_port)"
"$here/bin/gateway" receive --remote-write.address "127.0.0.1:$rw_port" \
  --http-address "127.0.0.1:$http_port" --grpc-address "127.0.0.1:$grpc_port" \
  --tsdb.path "$work/gw" >"$work/gw.log" 2>&1 &
gw_pid=$!; pids+=("$gw_pid")
wait_ready "http://127.0.0.1:$http_port/-/ready" "$gw_pid" gateway "$work/gw.log"

prom_port="$(free_port)"
cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: $interval
  scrape_timeout: $interval
scrape_configs:
  - job_name: histograms
    static_configs: [{targets: ["127.0.0.1:$target_port"]}]
remote_write:
  - url: http://127.0.0.1:$rw_port/api/v1/receive
    send_native_histograms: true
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$prom_port" --enable-feature=native-histograms \
  --web.enable-admin-api >"$work/prom.log" 2>&1 &
prom_pid=$!; pids+=("$prom_pid")
wait_ready "http://127.0.0.1:$prom_port/-/ready" "$prom_pid" prometheus "$work/prom.log"

echo "$me: $series native histogram series, $rate observations/s, scraped every $interval for $duration ..." >&2
sleep "$duration"

# Prometheus' head into a block, then stop it (it sends what is queued) and the gateway (its head
# into blocks). The gateway may get the samples of the scrape or two after the snapshot.
snap="$(curl -sf -XPOST "http://127.0.0.1:$prom_port/api/v1/admin/tsdb/snapshot?skip_head=false" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["name"])')"
# Prometheus' own counters of what remote write sent and dropped (it does not scrape itself).
curl -sf "http://127.0.0.1:$prom_port/metrics" >"$work/prom-metrics.txt" || true
stop "$prom_pid"
stop "$gw_pid"
stop "$target_pid"
pids=()
echo "$me: Prometheus' remote-write counters at the snapshot:" >&2
grep -E '^prometheus_remote_storage_(samples|histograms)_(total|failed_total|dropped_total)' \
  "$work/prom-metrics.txt" | sed 's/{[^}]*}//' >&2 || true

prom_blocks="$work/prom/snapshots/$snap"
gw_blocks="$work/gw/default-tenant"
"$java" -cp "$bench_jar" io.rwgateway.perf.BlockHistogramStats --name prometheus "$prom_blocks" \
  >"$work/stats.txt"
"$java" -cp "$bench_jar" io.rwgateway.perf.BlockHistogramStats --name gateway "$gw_blocks" \
  >>"$work/stats.txt"
grep -v '^{' "$work/stats.txt" | sed 's/ {.*"chunks":\([0-9]*\),"samples":\([0-9]*\),"chunk_bytes":\([0-9]*\).*/: chunks \1 samples \2 bytes \3/' >&2
echo "$me: promtool tsdb list -r (all encodings):" >&2
promtool tsdb list -r "$work/prom/snapshots/$snap" >&2 || true
promtool tsdb list -r "$work/gw/default-tenant" >&2 || true

echo
echo "$(date -u +%FT%TZ) $(nproc) cores; $(prometheus --version 2>&1 | head -1 | cut -d' ' -f1-3);" \
  "perf/histogram-bytes.sh --duration $duration --interval $interval --series $series --rate $rate"
echo
grep '^{' "$work/stats.txt" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
print("| | histogram series | histogram samples | chunks | samples/chunk | chunks < 120 samples | chunk bytes | bytes/sample | with chunk framing |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %d | %d | %d | %.1f | %d | %d | %.2f | %.2f |" % (r["name"], r["series"], r["samples"],
        r["chunks"], r["samples_per_chunk"], r["chunks_under_120"], r["chunk_bytes"],
        r["bytes_per_sample"], r["file_bytes_per_sample"]))
p, g = rows
if p["bytes_per_sample"]:
    print()
    print("gateway / Prometheus, bytes per sample: %.3f (with chunk framing %.3f)" % (
        g["bytes_per_sample"] / p["bytes_per_sample"], g["file_bytes_per_sample"] / p["file_bytes_per_sample"]))
'
