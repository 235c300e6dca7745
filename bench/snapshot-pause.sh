#!/usr/bin/env bash
# How long a snapshot (BGSAVE, a save point, a replica's full sync, BGREWRITEAOF) stops the
# clients: every slot lock is held while Snapshot.share (or .take) takes the keyspace. Starts one node per
# jar given, fills it as the -P 1 runs of bench/vs-redis.sh leave a node (SET, SADD and ZADD with
# -r 1000000: about 632K string keys, a 632K-member set and a 632K-member sorted set), then
#   1. BGSAVE ROUNDS times on the idle node, printing INFO's snapshot_last_pause_usec each time;
#   2. a redis-benchmark -P 1 run (TEST, default get) with a BGSAVE sent DELAY seconds into it, and
#      the same run without one, printing the max latency and the throughput of each; with CMDS,
#      the same pair of runs for each of its ';'-separated raw commands instead, e.g. a read and a
#      write of the big sorted set:
#
#   CMDS='zrange myzset 0 10;zscore myzset element:__rand_int__;sismember myset element:__rand_int__;zadd myzset __rand_int__ element:__rand_int__' \
#     flock /tmp/shoal-bench.lock bench/snapshot-pause.sh /tmp/before.jar shoal-cli/target/shoal.jar
#
#      (each line also prints INFO's snapshot_collections_copied after the BGSAVE, where the jar has it).
# Run it under the benchmark lock on a shared machine:
#
#   flock /tmp/shoal-bench.lock bench/snapshot-pause.sh /tmp/before.jar shoal-cli/target/shoal.jar
#
# Environment: FILL (redis-benchmark -t list for the fill, default set,sadd,zadd; add hset and
# lpush for a 632K-field hash and a 1M-element list), ROUNDS (5), TEST (get), CMDS (none), N
# (requests of the latency run, 600000), DELAY (2), PORT (31394), JAVA_OPTS (default: the
# launcher's, bench/java.sh).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 A.jar [B.jar ...]" >&2; exit 1; }
. "$(dirname "$0")/java.sh"
. "$(dirname "$0")/scratch.sh"
fill="${FILL:-set,sadd,zadd}"; rounds="${ROUNDS:-5}"; test="${TEST:-get}"; n="${N:-600000}"
delay="${DELAY:-2}"; port="${PORT:-31394}"
info() { redis-cli -p "$port" info persistence | tr -d '\r' | sed -n "s/^$1://p"; }
wait_bgsave() {
  local deadline=$((SECONDS + 300))
  sleep 0.1
  while [ "$(info rdb_bgsave_in_progress)" != 0 ]; do
    [ $SECONDS -lt $deadline ] || { echo "BGSAVE did not end" >&2; exit 1; }
    sleep 0.1
  done
}
# max latency (ms) and requests per second from a redis-benchmark --csv-less run's summary
summary() {
  local rps max
  rps=$(sed -n 's/.*throughput summary: \([0-9.]*\) requests per second.*/\1/p' "$1" | tail -1)
  max=$(awk '/latency summary/ {getline; getline; print $6}' "$1" | tail -1)
  echo "max ${max} ms, ${rps} ops/s"
}
for jar in "$@"; do
  rm -rf "$work/data"; mkdir -p "$work/data"
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_FLAGS ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$jar" server --port "$port" --dir "$work/data" \
    --set save= --set appendonly=no >"$work/node.log" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_for_node "$port"
  redis-benchmark -p "$port" -c 50 -n 1000000 -r 1000000 -P 16 -q -t "$fill" >/dev/null
  echo "== $jar: dbsize $(redis-cli -p "$port" dbsize), zcard $(redis-cli -p "$port" zcard myzset)," \
    "scard $(redis-cli -p "$port" scard myset), hlen $(redis-cli -p "$port" hlen myhash), llen $(redis-cli -p "$port" llen mylist)"
  pauses=()
  for _ in $(seq "$rounds"); do
    redis-cli -p "$port" bgsave >/dev/null
    wait_bgsave
    pauses+=("$(info snapshot_last_pause_usec)")
  done
  echo "snapshot_last_pause_usec: ${pauses[*]}"
  workloads=()
  if [ -n "${CMDS:-}" ]; then
    IFS=';' read -r -a workloads <<<"$CMDS"
  else
    workloads=("-t $test")
  fi
  for workload in "${workloads[@]}"; do
    for with in yes no; do
      # shellcheck disable=SC2086
      redis-benchmark -p "$port" -c 50 -n "$n" -r 1000000 -P 1 $workload >"$work/run.txt" 2>&1 &
      bench=$!
      if [ $with = yes ]; then
        sleep "$delay"
        redis-cli -p "$port" bgsave >/dev/null
      fi
      wait $bench
      [ $with = no ] || wait_bgsave
      copied="$(info snapshot_collections_copied)"
      echo "-P 1 ${workload#-t }, BGSAVE $with: $(summary "$work/run.txt")$([ $with = no ] || echo ", pause $(info snapshot_last_pause_usec) usec${copied:+, collections copied $copied}")"
    done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
