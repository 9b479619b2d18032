#!/usr/bin/env bash
# Drives Prometheus, VictoriaMetrics and the gateway, one at a time, with the same remote-write load
# (io.rwgateway.perf.LoadGen) and prints a markdown table: samples/s, receiver CPU-seconds per
# million samples, peak RSS, RSS per active series, p99 latency.
#
# Usage: perf/compare.sh [--large] [--series N] [--duration S] [--concurrency N] [--batch N] [--rate N]
#                        [--receivers "prometheus victoria-metrics gateway"] [--no-verify] [--keep-logs]
#   default: 100k active series, 8 senders, 2000 samples per request, 60 s per receiver, each as
#   fast as it answers;
#   --large: 1M active series;
#   --rate N: N samples/s in total for every receiver (one that cannot keep up falls behind), so
#   each holds the same samples per series at the end and memory compares like for like.
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests);
# installs prometheus and victoria-metrics with apt-get when missing. Everything listens on 127.0.0.1
# on free ports, with data in temporary directories that are removed at the end.
# NOTE: the load generator runs on the same machine and shares its cores with the receiver; its own
# CPU use is in the JSON (loadgen_cpu_sec) and is small (about 0.1 CPU-second per million samples).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
series=100000
duration=60
concurrency=8
batch=2000
rate=0
receivers="prometheus victoria-metrics gateway"
verify=1
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --large) series=1000000 ;;
    --series) series="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    --batch) batch="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --receivers) receivers="$2"; shift ;;
    --no-verify) verify=0 ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done

loadgen_jar="$here/perf/target/benchmarks.jar"
for f in "$loadgen_jar" "$here/gateway/target/gateway.jar"; do
  [ -f "$f" ] || { echo "compare.sh: $f missing; build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
done
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v victoria-metrics >/dev/null || missing+=(victoria-metrics)
if [ ${#missing[@]} -gt 0 ]; then
  echo "compare.sh: installing ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y "${missing[@]}" >&2
fi

# The gateway runs as a user starts it: no JVM flags, so bin/gateway sizes the heap from the
# machine (bin/heap-size) and keeps it near what is live (docs/memory.md). GATEWAY_JAVA_OPTS, when
# set, is passed instead (e.g. GATEWAY_JAVA_OPTS=-Xmx646m for the old rule of 96 MB + 0.55 KB per
# active series).
gateway_opts="${GATEWAY_JAVA_OPTS:-}"
loadgen_opts="${LOADGEN_JAVA_OPTS:--Xmx2g}"
metrics=$(( series >= 1000000 ? 200 : 100 ))   # keeps each /api/v1/series answer under VictoriaMetrics' 30k limit

work="$(mktemp -d /tmp/rwgw-compare.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$keep_logs" = 1 ]; then echo "compare.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_ready() { # url seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_receiver NAME: starts it in the background; sets pid, write_url, query_url, ready_url.
start_receiver() {
  local name="$1" dir="$work/$1" p1 p2
  mkdir -p "$dir/data"
  p1="$(free_port)"; p2="$(free_port)"
  case "$name" in
    prometheus)
      printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' > "$dir/prometheus.yml"
      prometheus --config.file="$dir/prometheus.yml" --web.enable-remote-write-receiver \
        --storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$p1" > "$dir/log" 2>&1 &
      write_url="http://127.0.0.1:$p1/api/v1/write"; query_url="http://127.0.0.1:$p1"
      ready_url="http://127.0.0.1:$p1/-/ready" ;;
    victoria-metrics)
      victoria-metrics -storageDataPath="$dir/data" -httpListenAddr="127.0.0.1:$p1" \
        -search.latencyOffset=0s > "$dir/log" 2>&1 &
      write_url="http://127.0.0.1:$p1/api/v1/write"; query_url="http://127.0.0.1:$p1"
      ready_url="http://127.0.0.1:$p1/health" ;;
    gateway)
      # bin/gateway execs java, so $! is the JVM's pid. WAL on, default batch fsync.
      GATEWAY_JAVA_OPTS="$gateway_opts" "$here/bin/gateway" receive --tsdb.path="$dir/data" \
        --remote-write.address="127.0.0.1:$p1" --http-address="127.0.0.1:$p2" > "$dir/log" 2>&1 &
      write_url="http://127.0.0.1:$p1/api/v1/receive"; query_url="http://127.0.0.1:$p2"
      ready_url="http://127.0.0.1:$p2/-/ready" ;;
    *) echo "compare.sh: unknown receiver $name" >&2; exit 1 ;;
  esac
  pid=$!
  if ! wait_ready "$ready_url" 60; then
    echo "compare.sh: $name did not become ready; log:" >&2
    tail -20 "$dir/log" >&2
    exit 1
  fi
}

stop_receiver() {
  kill "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  pid=""
}

cmd_line="perf/compare.sh --series $series --duration $duration --concurrency $concurrency --batch $batch"
[ "$rate" != 0 ] && cmd_line+=" --rate $rate"
echo "compare.sh: $series series, $concurrency senders, $batch samples per request, ${duration}s each, rate ${rate} (0: as fast as answered); gateway: ${gateway_opts:-no JVM flags}" >&2
rows=()
for r in $receivers; do
  echo "=== $r" >&2
  start_receiver "$r"
  version=""
  case "$r" in
    prometheus) version="$(prometheus --version 2>&1 | awk 'NR==1 {print $3}')" ;;
    victoria-metrics) version="$(dpkg-query -W -f '${Version}' victoria-metrics 2>/dev/null || true)" ;;
    gateway) version="$(java -version 2>&1 | awk -F'"' 'NR==1 {print "JDK " $2}')" ;;
  esac
  args=(--url "$write_url" --series "$series" --metrics "$metrics" --batch "$batch" --concurrency "$concurrency"
        --duration "$duration" --rate "$rate" --receiver-pid "$pid")
  [ "$verify" = 1 ] && args+=(--verify "$query_url" --verify-timeout 60)
  # shellcheck disable=SC2086
  if ! json="$(java $loadgen_opts -cp "$loadgen_jar" io.rwgateway.perf.LoadGen "${args[@]}" 2> >(tee "$work/$r.loadgen.log" >&2))"; then
    echo "compare.sh: LoadGen reported a failure for $r (see above)" >&2
  fi
  stop_receiver
  echo "$json" > "$work/$r.json"
  echo "$json"
  rows+=("$(jq -r --arg name "$r $version" --argjson series "$series" '
    [ $name,
      (.samples_per_sec | tostring),
      (.receiver_cpu_sec_per_million | tostring),
      ((.receiver_peak_rss_bytes / 1048576) | floor | tostring),
      ((.receiver_peak_rss_bytes / $series) | floor | tostring),
      (((.receiver_peak_rss_bytes - .receiver_rss_before_bytes) / $series) | floor | tostring),
      (.p99_ms | tostring),
      (.errors | tostring),
      (if .verify == null then "-" elif .verify.ok then "ok" else "MISMATCH \(.verify.found)/\(.verify.expected)" end)
    ] | "| " + join(" | ") + " |"' <<<"$json")")
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); command: $cmd_line"
echo
echo "| receiver | samples/s | CPU-s per M samples | peak RSS MiB | peak RSS B/series | (peak-idle) RSS B/series | p99 ms | errors | verify |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
