#!/usr/bin/env bash
# Throughput of a hashring of N gateways on this machine against one gateway, with the same
# remote-write load (io.rwgateway.perf.LoadGen) sent to the first node, which routes. Prints one
# JSON line per setup (LoadGen's) prefixed with the setup.
#
# Usage: perf/ring.sh [--nodes 3] [--rf 3] [--series 100000] [--duration 30] [--concurrency 8]
# Needs perf/target/benchmarks.jar and gateway/target/gateway.jar (./mvnw -B -q package -DskipTests).
# Everything listens on 127.0.0.1; data goes to a temporary directory removed at the end.
# NOTE: all nodes and the load generator share this machine's cores, so on a small machine this
# measures the routing overhead (placement, forwarding, N WAL writes per sample) more than scaling.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes=3; rf=3; series=100000; duration=30; concurrency=8
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift ;;
    --rf) rf="$2"; shift ;;
    --series) series="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "ring.sh: unknown argument $1" >&2; exit 1 ;;
  esac
  shift
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work="$(mktemp -d /tmp/rwgw-ring.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
heap="${GATEWAY_JAVA_OPTS:--Xmx2g}"

run() { # $1 = label, $2 = node count, $3 = replication factor
  local n="$2" r="$3" rw=() http=() grpc=() endpoints=""
  for i in $(seq 0 $((n - 1))); do
    rw+=("$(free_port)"); http+=("$(free_port)"); grpc+=("$(free_port)")
    endpoints="${endpoints:+$endpoints,}\"127.0.0.1:${grpc[$i]}\""
  done
  local ring_args=()
  for i in $(seq 0 $((n - 1))); do
    [ "$n" -gt 1 ] && ring_args=(--receive.hashrings "[{\"hashring\":\"default\",\"endpoints\":[$endpoints]}]"
      --receive.local-endpoint "127.0.0.1:${grpc[$i]}" --receive.replication-factor "$r")
    GATEWAY_JAVA_OPTS="$heap" "$here/bin/gateway" receive --remote-write.address "127.0.0.1:${rw[$i]}" \
      --http-address "127.0.0.1:${http[$i]}" --grpc-address "127.0.0.1:${grpc[$i]}" \
      --tsdb.path "$work/$1-$i" "${ring_args[@]}" >"$work/$1-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((n - 1))); do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:${http[$i]}/-/ready" >/dev/null && break; sleep 0.5; done
  done
  local out
  out=$(java -Xmx2g -cp "$here/perf/target/benchmarks.jar" io.rwgateway.perf.LoadGen --quiet \
    --url "http://127.0.0.1:${rw[0]}/api/v1/receive" --series "$series" --batch 2000 \
    --concurrency "$concurrency" --duration "$duration")
  echo "$1 nodes=$n rf=$r $out"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
run single 1 1
run ring "$nodes" "$rf"
