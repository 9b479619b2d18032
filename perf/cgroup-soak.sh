#!/usr/bin/env bash
# A gateway started as users start it (bin/gateway, no JVM flags: it sizes its own heap) inside a
# cgroup v1 memory limit, under the load generator as fast as it answers. Reports the load
# generator's summary (answers by status code), whether the gateway survived, the cgroup's OOM
# kills, and the gateway's RSS, memory-admission state and heap after GC every 10 s.
#
# Usage (root, cgroup v1 memory controller at /sys/fs/cgroup/memory; build first with
# ./mvnw -B -q package -DskipTests):
#   perf/cgroup-soak.sh [series=1000000] [limit_mib=1536] [seconds=600]
# Output: /tmp/rwgateway-soak/{loadgen.err,loadgen.json,samples.log,gateway.log}
set -u
series="${1:-1000000}"
limit_mib="${2:-1536}"
seconds="${3:-600}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=/tmp/rwgateway-soak
if curl -s -o /dev/null http://127.0.0.1:10902/-/healthy; then
  echo "something already answers on 127.0.0.1:10902 (a gateway still shutting down?); stop it first" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
cg=/sys/fs/cgroup/memory/rwgateway-soak
mkdir -p "$cg"
echo $((limit_mib * 1048576)) > "$cg/memory.limit_in_bytes"
bash -c "echo \$\$ > $cg/cgroup.procs; exec $here/bin/gateway receive --tsdb.path $out/data \
  --http-address 127.0.0.1:10902 --remote-write.address 127.0.0.1:19291 --grpc-address 127.0.0.1:10901" \
  > "$out/gateway.log" 2>&1 &
gw=$!
for _ in $(seq 1 120); do
  if ! kill -0 "$gw" 2> /dev/null; then
    echo "the gateway ended before it was ready:" >&2
    tail -20 "$out/gateway.log" >&2
    exit 1
  fi
  curl -sf http://127.0.0.1:10902/-/ready > /dev/null && break
  sleep 1
done
(while kill -0 "$gw" 2> /dev/null; do
  echo "$(date +%T) rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$gw/status" 2> /dev/null)" \
    "cgroup_mib=$(($(cat "$cg/memory.usage_in_bytes") / 1048576))" \
    "$(curl -s http://127.0.0.1:10902/metrics | grep -E '^rwgateway_memory_(state|heap_after_gc_bytes) ' | tr '\n' ' ')"
  sleep 10
done) > "$out/samples.log" &
java -Xmx3g -cp "$here/perf/target/benchmarks.jar" io.rwgateway.perf.LoadGen \
  --url http://127.0.0.1:19291/api/v1/receive --series "$series" --batch 2000 --concurrency 8 \
  --duration "$seconds" --receiver-pid "$gw" --quiet > "$out/loadgen.json" 2> "$out/loadgen.err"
{
  echo "gateway alive after the run: $(kill -0 "$gw" 2> /dev/null && echo yes || echo no)"
  echo "cgroup: max usage $(($(cat "$cg/memory.max_usage_in_bytes") / 1048576)) MiB;" \
    "$(grep oom_kill "$cg/memory.oom_control" | tr '\n' ' ')"
  echo "OutOfMemoryError in the log: $(grep -c OutOfMemoryError "$out/gateway.log")"
  grep -E 'heap sized|memory admission' "$out/gateway.log"
} >> "$out/loadgen.err"
cat "$out/loadgen.err"
# A graceful stop writes the head into a block first, which takes a while after a large soak: wait
# for it (so that a benchmark started next does not share the machine with it), up to 10 minutes.
kill "$gw" 2> /dev/null
stop_start=$(date +%s)
while kill -0 "$gw" 2> /dev/null && [ $(($(date +%s) - stop_start)) -lt 600 ]; do sleep 1; done
if kill -0 "$gw" 2> /dev/null; then
  echo "gateway still stopping after 600 s; killed" | tee -a "$out/loadgen.err"
  kill -9 "$gw" 2> /dev/null
else
  echo "gateway stopped in $(($(date +%s) - stop_start)) s" | tee -a "$out/loadgen.err"
fi
rmdir "$cg" 2> /dev/null || true
