#!/usr/bin/env bash
# The collector's pauses and the node's resident memory as it fills, for each set of JVM options
# given: starts the jar with each in turn (logging GC), fills it with redis-benchmark at -P 16
# (FILL tests, N requests each on a keyspace of N: about 1.26M string keys and one big list, set,
# hash and sorted set for the defaults), then runs GETs at -P 1 and prints, per option set, the
# fill's throughput, resident memory before and after, the node's CPU seconds, the GET run's
# throughput and latency, and the young pauses (count, total, median, longest).
#
#   flock /tmp/shoal-bench.lock bench/gc-pauses.sh shoal-cli/target/shoal.jar \
#     "-XX:+UseParallelGC -XX:MaxTenuringThreshold=0" "-XX:+UseParallelGC -XX:MaxTenuringThreshold=0 -XX:MaxNewSize=128m"
#
# With no option sets it runs the launcher's default (bench/java.sh). Environment: FILL
# (set,sadd,zadd,hset,lpush), N (2000000), PORT (31501).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 shoal.jar [\"JVM options\" ...]" >&2; exit 1; }
. "$(dirname "$0")/java.sh"
. "$(dirname "$0")/scratch.sh"
jar="$1"; shift
[ $# -gt 0 ] || set -- "$DEFAULT_JAVA_OPTS"
fill="${FILL:-set,sadd,zadd,hset,lpush}"; n="${N:-2000000}"; port="${PORT:-31501}"
rss_mb() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
for opts in "$@"; do
  rm -rf "$work/data"; mkdir -p "$work/data"; : >"$work/gc.log"
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_FLAGS $opts -Xlog:gc:file="$work/gc.log" -jar "$jar" server --port "$port" --dir "$work/data" \
    --set save= --set appendonly=no >"$work/node.log" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_for_node "$port"
  before=$(rss_mb "$pid")
  started=$SECONDS
  redis-benchmark -p "$port" -c 50 -n "$n" -r "$n" -P 16 -q -t "$fill" 2>/dev/null | tr '\r' '\n' \
    | sed -n 's/^\([A-Z]*\): \([0-9.]*\) requests per second.*/\1 \2/p' | tr '\n' ' ' >"$work/fill"
  filled=$((SECONDS - started))
  after=$(rss_mb "$pid")
  # redis-benchmark's summary: the throughput line, then avg min p50 p95 p99 max.
  get=$(redis-benchmark -p "$port" -c 50 -n 1000000 -r "$n" -P 1 -t get 2>/dev/null | tr '\r' '\n' \
    | awk '/throughput summary/ {rps = $3} /latency summary/ {getline; getline; p50 = $3; p99 = $5; max = $6}
           END {printf "%s ops/s, p50 %s p99 %s max %s ms", rps, p50, p99, max}')
  cpu=$(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$pid/stat")
  pauses=$( (grep -o 'Pause Young.* \([0-9.]*\)ms$' "$work/gc.log" || true) | sed 's/.* \([0-9.]*\)ms$/\1/' | sort -n \
    | awk '{v[NR] = $1; s += $1} END {if (NR == 0) print "none logged"; else printf "%d, %.0f ms in all, median %.1f, longest %.1f ms", NR, s, v[int((NR + 1) / 2)], v[NR]}')
  echo "== $opts"
  echo "fill ($filled s): $(cat "$work/fill")"
  echo "resident MB: $before before, $after after the fill ($(redis-cli -p "$port" dbsize) keys); node CPU ${cpu} s"
  echo "GET -P 1: $get"
  echo "young pauses: $pauses"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
