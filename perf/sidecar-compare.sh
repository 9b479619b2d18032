#!/usr/bin/env bash
# Series through `gateway sidecar` against Prometheus' own remote read, on the same data: a
# Prometheus 2.42 (external labels, 2h blocks, remote-write receiver) gets N series by remote write
# (io.rwgateway.perf.query.DataSet, 15 s samples, oldest first), then every series is read whole,
# straight from Prometheus' streamed remote read and through the sidecar's StoreAPI Series (which
# makes that same remote read), alternately; median time to the last byte, and the sidecar's peak
# RSS while it answers (io.rwgateway.perf.SidecarBench). Prints a markdown table.
#
# Usage: perf/sidecar-compare.sh [--series N] [--hours H] [--runs R] [--warmup W] [--keep-logs]
#   defaults: 100000 series (rounded down to a multiple of 32), 1 h of data, 5 timed runs after 2.
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests);
# installs prometheus with apt-get when missing. Everything listens on 127.0.0.1 on free ports, with
# data in a temporary directory that is removed at the end. Exit code 2: series missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me=sidecar-compare.sh
# shellcheck source=lib/processes.sh
. "$here/perf/lib/processes.sh"
series=100000
hours=1
runs=5
warmup=2
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift ;;
    --hours) hours="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "sidecar-compare.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done

bench_jar="$here/perf/target/benchmarks.jar"
need_file "$bench_jar" "$here/gateway/target/gateway.jar"
if ! command -v prometheus >/dev/null; then
  echo "sidecar-compare.sh: installing prometheus" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y prometheus >&2
fi

work="$(mktemp -d /tmp/rwgw-sidecar-compare.XXXXXX)"
prom_pid=""
sc_pid=""
cleanup() {
  stop "$sc_pid"
  stop "$prom_pid"
  if [ "$keep_logs" = 1 ]; then echo "sidecar-compare.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/prometheus/data"
pp="$(free_port)"
printf 'global:\n  scrape_interval: 1m\n  external_labels:\n    cluster: bench\n    replica: a\nscrape_configs: []\n' \
  > "$work/prometheus/prometheus.yml"
prometheus --config.file="$work/prometheus/prometheus.yml" --web.enable-remote-write-receiver \
  --storage.tsdb.path="$work/prometheus/data" --web.listen-address="127.0.0.1:$pp" \
  --storage.tsdb.min-block-duration=2h --storage.tsdb.max-block-duration=2h \
  > "$work/prometheus/log" 2>&1 &
prom_pid=$!
wait_ready "http://127.0.0.1:$pp/-/ready" "$prom_pid" prometheus "$work/prometheus/log"

# The sidecar as a user starts it: no JVM flags, no bucket (this measures reads).
sg="$(free_port)"; sh="$(free_port)"
GATEWAY_JAVA_OPTS="" "$here/bin/gateway" sidecar --prometheus.url="http://127.0.0.1:$pp" \
  --tsdb.path="$work/prometheus/data" --grpc-address="127.0.0.1:$sg" --http-address="127.0.0.1:$sh" \
  > "$work/sidecar.log" 2>&1 &
sc_pid=$!
wait_ready "http://127.0.0.1:$sh/-/ready" "$sc_pid" sidecar "$work/sidecar.log"

prom_version="$(prometheus --version 2>&1 | awk 'NR==1 {print $3}')"
jdk="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | awk -F'"' 'NR==1 {print $2}')"
status=0
java -Xmx2g -cp "$bench_jar" io.rwgateway.perf.SidecarBench \
  --prometheus "http://127.0.0.1:$pp" --prometheus-pid "$prom_pid" \
  --sidecar "127.0.0.1:$sg" --sidecar-pid "$sc_pid" \
  --series "$series" --hours "$hours" --runs "$runs" --warmup "$warmup" > "$work/table.md" || status=$?

echo
echo "$(date -u +%Y-%m-%d), $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); Prometheus $prom_version, sidecar on JDK $jdk (no JVM flags); command: perf/sidecar-compare.sh --series $series --hours $hours --runs $runs --warmup $warmup"
cat "$work/table.md"
exit "$status"
