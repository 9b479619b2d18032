# Shell helpers the perf scripts share; source it after setting `me` (the script's name, for
# messages). Everything listens on 127.0.0.1.

# need_file FILE...: exits with a build hint when one is missing.
need_file() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || { echo "$me: $f missing; build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
  done
}

# stop PID: TERM, up to 30 s to exit, then KILL; nothing when PID is empty or gone.
stop() {
  local p="$1" i
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  wait "$p" 2>/dev/null || true
}

# free_port: a TCP port free on 127.0.0.1 now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_ready URL PID NAME LOG: until URL answers 2xx (120 s at most); exits with LOG's tail when
# the process dies or the time runs out.
wait_ready() {
  local i
  for ((i = 0; i < 1200; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "$me: $3 did not become ready; log:" >&2
  tail -20 "$4" >&2
  exit 1
}
