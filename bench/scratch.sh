# Sourced by the bench scripts that start servers: a scratch directory ($work) and the processes
# started in it ($pids: append each server's pid), both gone when the script exits, however it
# exits, so that a failed run leaves no server holding a port or the benchmark lock.
work="$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until a server answers PING on a port, at most the given seconds (default 120; the
# scripts that start Shoal through ./shoal give more, as the launcher may build the jar first);
# exits the calling script if none does.
wait_for_node() {
  local port=$1 deadline=$((SECONDS + ${2:-120}))
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do
    [ $SECONDS -lt $deadline ] || { echo "nothing answers PING on port $port" >&2; exit 1; }
    sleep 0.1
  done
}
