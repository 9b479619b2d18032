#!/usr/bin/env bash
# The query role's latency and memory (io.rwgateway.perf.QueryRoleBench): three receivers, A and B
# HA replicas of the same data (external labels replica="a"/"b") and C another cluster with the
# same data under cluster="other"; one query node over A alone and one over A, B and C with
# --query.replica-label=replica. `sum by (job) (rate(http_requests_total[5m]))` over the last hour
# at 15 s is timed on A's own API, on both query nodes, and on the three-store node with dedup=false
# (the cost of dedup); the answering process's peak RSS is sampled meanwhile. Prints a markdown table.
#
# Usage: perf/query-role.sh [--series N] [--hours H] [--runs R] [--warmup W] [--keep-logs]
#   defaults: 100000 series per receiver, 1 h of data ending now, 10 timed runs after 3 warm-ups.
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests).
# Everything listens on 127.0.0.1 on free ports, data in a temporary directory removed at the end.
# Exit code 2: an answer was wrong (the table is printed anyway). QUERY_NODE_JAVA_OPTS: JVM options
# of the two query nodes only (receivers always run without any).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
me=query-role.sh
# shellcheck source=lib/processes.sh
. "$here/perf/lib/processes.sh"
series=100000
hours=1
runs=10
warmup=3
keep_logs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift ;;
    --hours) hours="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "query-role.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done

bench_jar="$here/perf/target/benchmarks.jar"
need_file "$bench_jar" "$here/gateway/target/gateway.jar"

work="$(mktemp -d /tmp/rwgw-query-role.XXXXXX)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do stop "$p"; done
  if [ "$keep_logs" = 1 ]; then echo "query-role.sh: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Receivers as a user starts them: no JVM flags (bin/gateway sizes the heap).
declare -A write http grpc pid
for r in a b c; do
  write[$r]="$(free_port)"; http[$r]="$(free_port)"; grpc[$r]="$(free_port)"
  case "$r" in
    a) label='replica="a"' ;;
    b) label='replica="b"' ;;
    c) label='cluster="other"' ;;
  esac
  mkdir -p "$work/$r"
  GATEWAY_JAVA_OPTS="" "$here/bin/gateway" receive --tsdb.path="$work/$r/data" --label="$label" \
    --remote-write.address="127.0.0.1:${write[$r]}" --http-address="127.0.0.1:${http[$r]}" \
    --grpc-address="127.0.0.1:${grpc[$r]}" > "$work/$r/log" 2>&1 &
  pid[$r]=$!; pids+=("$!")
done
for r in a b c; do
  wait_ready "http://127.0.0.1:${http[$r]}/-/ready" "${pid[$r]}" "receiver $r" "$work/$r/log"
done

q1h="$(free_port)"; q1g="$(free_port)"; q3h="$(free_port)"; q3g="$(free_port)"
mkdir -p "$work/q1" "$work/q3"
GATEWAY_JAVA_OPTS="${QUERY_NODE_JAVA_OPTS:-}" "$here/bin/gateway" query --http-address="127.0.0.1:$q1h" \
  --grpc-address="127.0.0.1:$q1g" --endpoint="127.0.0.1:${grpc[a]}" > "$work/q1/log" 2>&1 &
q1_pid=$!; pids+=("$!")
GATEWAY_JAVA_OPTS="${QUERY_NODE_JAVA_OPTS:-}" "$here/bin/gateway" query --http-address="127.0.0.1:$q3h" \
  --grpc-address="127.0.0.1:$q3g" --endpoint="127.0.0.1:${grpc[a]}" \
  --endpoint="127.0.0.1:${grpc[b]}" --endpoint="127.0.0.1:${grpc[c]}" \
  --query.replica-label=replica > "$work/q3/log" 2>&1 &
q3_pid=$!; pids+=("$!")
wait_ready "http://127.0.0.1:$q1h/-/ready" "$q1_pid" "query node 1" "$work/q1/log"
wait_ready "http://127.0.0.1:$q3h/-/ready" "$q3_pid" "query node 3" "$work/q3/log"

jdk="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | awk -F'"' 'NR==1 {print $2}')"
status=0
java -Xmx1g -cp "$bench_jar" io.rwgateway.perf.QueryRoleBench \
  --a-write "http://127.0.0.1:${write[a]}/api/v1/receive" \
  --b-write "http://127.0.0.1:${write[b]}/api/v1/receive" \
  --c-write "http://127.0.0.1:${write[c]}/api/v1/receive" \
  --a-query "http://127.0.0.1:${http[a]}" --a-pid "${pid[a]}" \
  --q1 "http://127.0.0.1:$q1h" --q1-pid "$q1_pid" --q3 "http://127.0.0.1:$q3h" --q3-pid "$q3_pid" \
  --series "$series" --hours "$hours" --runs "$runs" --warmup "$warmup" > "$work/table.md" || status=$?

echo
echo "$(date -u +%Y-%m-%d), $(nproc) vCPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); gateway on JDK $jdk (no JVM flags); command: perf/query-role.sh --series $series --hours $hours --runs $runs --warmup $warmup"
cat "$work/table.md"
exit "$status"
