#!/usr/bin/env bash
# PromQL query latency and memory, Prometheus 2.42 against the gateway, on the same data: both run
# at once, get the same remote-written samples (counters, classic histogram buckets, an info
# metric; written oldest first, one 15 s slice after the other), then a fixed set of queries runs
# on each as instant and range queries (io.rwgateway.perf.QueryBench). Prints a markdown table:
# median latency per query and receiver, the ratio, series answered, peak RSS while the query ran,
# and RSS before and during the query phase; a "mismatch" line when the answers differ.
#
# Usage: perf/query-compare.sh [--series N] [--hours H] [--runs R] [--warmup W] [--batch N] [--keep-logs]
#   defaults: 10000 series (rounded down to a multiple of 32), 2 h of data ending now, 5 timed runs
#   per query and receiver after one warm-up run (--warmup), 2000 series per remote-write request.
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests);
# installs prometheus with apt-get when missing. Everything listens on 127.0.0.1 on free ports, with
# data in a temporary directory that is removed at the end. Exit code 2: samples missing or answers
# differing (the table is printed anyway).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me=query-compare.sh
# shellcheck source=lib/processes.sh
. "$here/perf/lib/processes.sh"
series=10000
hours=2
runs=5
warmup=1
batch=2000
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift ;;
    --hours) hours="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --batch) batch="$2"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "query-compare.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done

bench_jar="$here/perf/target/benchmarks.jar"
need_file "$bench_jar" "$here/gateway/target/gateway.jar"
if ! command -v prometheus >/dev/null; then
  echo "query-compare.sh: installing prometheus" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y prometheus >&2
fi

# The gateway runs as a user starts it: no JVM flags (bin/gateway sizes the heap), as compare.sh.
bench_opts="${QUERYBENCH_JAVA_OPTS:--Xmx1g}"
work="$(mktemp -d /tmp/rwgw-query-compare.XXXXXX)"
prom_pid=""
gw_pid=""
cleanup() {
  stop "$prom_pid"
  stop "$gw_pid"
  if [ "$keep_logs" = 1 ]; then echo "query-compare.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prometheus: remote-write receiver on, no scrape jobs, so the written samples are all it holds.
# No out-of-order window: the writer sends samples oldest first, which the head accepts (see
# perf/README.md).
mkdir -p "$work/prometheus/data" "$work/gateway/data"
pp="$(free_port)"
printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' > "$work/prometheus/prometheus.yml"
prometheus --config.file="$work/prometheus/prometheus.yml" --web.enable-remote-write-receiver \
  --storage.tsdb.path="$work/prometheus/data" --web.listen-address="127.0.0.1:$pp" \
  > "$work/prometheus/log" 2>&1 &
prom_pid=$!

# bin/gateway execs java, so $! is the JVM's pid. WAL on, default batch fsync.
gw="$(free_port)"; gh="$(free_port)"
GATEWAY_JAVA_OPTS="" "$here/bin/gateway" receive --tsdb.path="$work/gateway/data" \
  --remote-write.address="127.0.0.1:$gw" --http-address="127.0.0.1:$gh" > "$work/gateway/log" 2>&1 &
gw_pid=$!

wait_ready "http://127.0.0.1:$pp/-/ready" "$prom_pid" prometheus "$work/prometheus/log"
wait_ready "http://127.0.0.1:$gh/-/ready" "$gw_pid" gateway "$work/gateway/log"

prom_version="$(prometheus --version 2>&1 | awk 'NR==1 {print $3}')"
# bin/gateway runs the gateway on $JAVA_HOME's java when it is set: name that one.
jdk="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | awk -F'"' 'NR==1 {print $2}')"
status=0
# shellcheck disable=SC2086
java $bench_opts -cp "$bench_jar" io.rwgateway.perf.QueryBench \
  --prometheus "http://127.0.0.1:$pp" --prometheus-pid "$prom_pid" \
  --gateway-write "http://127.0.0.1:$gw/api/v1/receive" --gateway-query "http://127.0.0.1:$gh" \
  --gateway-pid "$gw_pid" --series "$series" --hours "$hours" --runs "$runs" --warmup "$warmup" --batch "$batch" \
  > "$work/table.md" || status=$?

echo
echo "$(date -u +%Y-%m-%d), $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); Prometheus $prom_version, gateway on JDK $jdk (no JVM flags); command: perf/query-compare.sh --series $series --hours $hours --runs $runs --warmup $warmup"
cat "$work/table.md"
exit "$status"
