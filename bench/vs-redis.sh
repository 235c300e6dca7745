#!/usr/bin/env bash
# Shoal beside Redis on this machine: starts Debian's redis-server and a Shoal node on loopback,
# runs the same redis-benchmark tests against each, one after the other, and prints for each test
# both throughputs, the ratio Shoal/Redis and both p50 and p99 latencies. Then it loads the same
# keys into each and prints resident memory per key.
#
#   bench/vs-redis.sh                 # the full run: N=1000000 requests per test
#   N=200000 bench/vs-redis.sh        # a quicker run
#
# Environment: N (requests per test, default 1000000), CLIENTS (50), KEYSPACE (-r, 1000000),
# PIPELINES ("1 16"), MEMORY_KEYS (1000000), VALUE_BYTES (16), REDIS_PORT (7379),
# SHOAL_PORT (7380), REDIS_SERVER (/usr/bin/redis-server), SHOAL (./shoal at the repository root),
# SHOAL_ARGS (extra `shoal server` arguments after "--set save= --set appendonly=no", which match
# Redis's --save "" --appendonly no; e.g. "--set io-threads=1"), ONLY (a comma-separated list
# of labels to run, e.g. ONLY=ZADD,HSET; default every test), MEMORY_KEYS=0 to skip the memory
# table, WARMUP (requests per test and pipeline depth in the unrecorded warm-up, N/5; 0 skips it),
# SHOAL_STARTUP_CACHE (off; on uses the launcher's start-up cache) and ROUNDS (1: the whole sequence of
# tests runs that many times on each server, alternating which goes first, and each cell is the median).
#
# Each test is one line of TESTS: "label|redis-benchmark arguments". Command families add theirs
# (e.g. "LPUSH|-t lpush" or "SADD|sadd myset __rand_int__"); a label must not contain '|'.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-1000000}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-1000000}"
PIPELINES="${PIPELINES:-1 16}"
MEMORY_KEYS="${MEMORY_KEYS:-1000000}"
VALUE_BYTES="${VALUE_BYTES:-16}"
REDIS_PORT="${REDIS_PORT:-7379}"
SHOAL_PORT="${SHOAL_PORT:-7380}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
SHOAL="${SHOAL:-$root/shoal}"

TESTS=(
  "SET|-t set"
  "GET|-t get"
  "INCR|-t incr"
  "MSET (10 keys)|-t mset"
  "LPUSH|-t lpush"
  "LPOP|-t lpop"
  "SADD|-t sadd"
  "HSET|-t hset"
  "SPOP|-t spop"
  "ZADD|-t zadd"
  "ZPOPMIN|-t zpopmin"
  "LRANGE_100|-t lrange_100"
  "LRANGE_600|-t lrange_600"
)

ONLY="${ONLY:-}"
if [ -n "$ONLY" ]; then
  selected=()
  for test in "${TESTS[@]}"; do
    case ",$ONLY," in *",${test%%|*},"*) selected+=("$test") ;; esac
  done
  [ ${#selected[@]} -gt 0 ] || { echo "ONLY=$ONLY selects no test" >&2; exit 1; }
  TESTS=("${selected[@]}")
fi

for tool in "$REDIS_SERVER" redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

. "$root/bench/scratch.sh"

rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --enable-debug-command local --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
# Shoal starts without the launcher's start-up cache unless SHOAL_STARTUP_CACHE=on: the cache only
# shortens start-up, and the pages it maps are touched after the memory baseline is read, which
# adds about 22 MB (~35 bytes/key) of constant cost to the per-key growth (2026-11-23: growth 185.5
# vs 149.3 bytes/key, RSS after loading 258.7 vs 246.4 MB).
# Shoal runs without snapshots and AOF, as Redis above (--save "" --appendonly no): with its default
# save points it took a snapshot every 60 s under the write load of the tests, which Redis never
# did, and the test it fell in lost up to a tenth of its throughput (docs/performance.md, eighth
# round). SHOAL_ARGS come after and can set them again.
# shellcheck disable=SC2086
SHOAL_STARTUP_CACHE="${SHOAL_STARTUP_CACHE:-off}" "$SHOAL" server --port "$SHOAL_PORT" --dir "$work/shoal" \
  --set save= --set appendonly=no ${SHOAL_ARGS:-} >"$work/shoal.log" 2>&1 &
shoal_pid=$!
pids+=("$shoal_pid")
wait_for_node "$REDIS_PORT" 300
wait_for_node "$SHOAL_PORT" 300

# Memory first, on fresh processes, so that neither carries garbage from the throughput tests.
declare -A rss_before rss_after keys_loaded
for name in redis shoal; do
  [ "$MEMORY_KEYS" -gt 0 ] || break
  if [ "$name" = redis ]; then port=$REDIS_PORT; pid=$redis_pid; else port=$SHOAL_PORT; pid=$shoal_pid; fi
  rss_before[$name]=$(rss_kb "$pid")
  redis-cli -p "$port" debug populate "$MEMORY_KEYS" key "$VALUE_BYTES" >/dev/null
  keys_loaded[$name]=$(redis-cli -p "$port" dbsize)
  sleep 1
  rss_after[$name]=$(rss_kb "$pid")
  redis-cli -p "$port" flushall >/dev/null
done

# field N of the data line of redis-benchmark --csv (2 rps, 5 p50, 7 p99).
csv_field() {
  local value
  value=$(grep -v '^"test"' "$1" | tail -n 1 | tr -d '"' | cut -d, -f"$2")
  echo "${value:-n/a}"
}

# Warm-up, not recorded: each test once against both servers at each pipeline depth of PIPELINES
# with WARMUP requests, so that the JVM's JIT has compiled the hot paths before Shoal is measured
# (Redis gets the same run). Pipelined reads take paths an unpipelined one never does (requests
# parsed ahead, key prefetch, the end-of-iteration flush): warmed at -P 1 only, the first -P 16
# test ran into ~300 deoptimisations and recompilations (-XX:+PrintCompilation) and its p99 was
# 3.1 ms against 0.7-1.1 ms in the runs after it (docs/performance.md, eighth round).
# WARMUP=0 skips it (redis-benchmark -n 0 would never end).
WARMUP="${WARMUP:-$((N / 5))}"
ROUNDS="${ROUNDS:-1}"
warmed=()
if [ "$WARMUP" -gt 0 ]; then warmed=("${TESTS[@]}"); fi
for pipeline in $PIPELINES; do
  for test in "${warmed[@]}"; do
    args="${test#*|}"
    for port in $REDIS_PORT $SHOAL_PORT; do
      # shellcheck disable=SC2086
      redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$WARMUP" -r "$KEYSPACE" -P "$pipeline" -q $args >/dev/null 2>&1 || true
    done
  done
done

# One line per test, pipeline and round: label|pipeline|round|rps|p50|p99 for redis, then shoal.
# A round is the whole sequence, as a run with ROUNDS=1 is: the pop tests follow the push tests
# that fill their keys (SPOP pops what SADD added). Repeating each test in place instead made the
# second and third SPOP and ZPOPMIN rounds pop an empty key (2026-11-24: medians of 0.97-1.05 for
# what was a cheaper command than the one measured in round one).
results="$work/results"
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  # Odd rounds run Redis first, even rounds Shoal first, so neither always meets the state (a
  # grown list, a warmer page cache, the other's leftover CPU work) the first one leaves.
  order="redis shoal"
  [ $((round % 2)) -eq 0 ] && order="shoal redis"
  for pipeline in $PIPELINES; do
    for test in "${TESTS[@]}"; do
      label="${test%%|*}"
      args="${test#*|}"
      for name in $order; do
        if [ "$name" = redis ]; then port=$REDIS_PORT; else port=$SHOAL_PORT; fi
        # shellcheck disable=SC2086
        redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$N" -r "$KEYSPACE" -P "$pipeline" --csv $args \
          >"$work/$name.csv" 2>"$work/$name.err" || echo "$label -P $pipeline failed on $name: $(head -c 200 "$work/$name.err")" >&2
      done
      printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$label" "$pipeline" "$round" \
        "$(csv_field "$work/redis.csv" 2)" "$(csv_field "$work/redis.csv" 5)" "$(csv_field "$work/redis.csv" 7)" \
        "$(csv_field "$work/shoal.csv" 2)" "$(csv_field "$work/shoal.csv" 5)" "$(csv_field "$work/shoal.csv" 7)" >>"$results"
    done
  done
done

echo "Shoal vs Redis $("$REDIS_SERVER" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on $(nproc) cores;" \
  "redis-benchmark -c $CLIENTS -n $N -r $KEYSPACE"
echo
if [ "$ROUNDS" -gt 1 ]; then
  echo "Each cell is the median of $ROUNDS rounds (Shoal/Redis: the median of the rounds' ratios; the rounds'"
  echo "ratios in the last column)."
  echo
  echo "| test | -P | Redis ops/s | Shoal ops/s | Shoal/Redis | Redis p50 ms | Shoal p50 ms | Redis p99 ms | Shoal p99 ms | rounds' Shoal/Redis |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
else
  echo "| test | -P | Redis ops/s | Shoal ops/s | Shoal/Redis | Redis p50 ms | Shoal p50 ms | Redis p99 ms | Shoal p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|"
fi
# Rows in the order they ran; medians of each column over the rounds ("n/a" when a round failed).
awk -F'|' -v rounds="$ROUNDS" '
  function median(list,    n, values, i, j, t) {
    n = split(list, values, " ")
    for (i = 1; i <= n; i++) {
      if (values[i] == "n/a" || values[i] == "") return "n/a"
      values[i] += 0
    }
    for (i = 2; i <= n; i++) { t = values[i]; for (j = i - 1; j >= 1 && values[j] > t; j--) values[j + 1] = values[j]; values[j + 1] = t }
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
  }
  {
    row = $1 "|" $2
    if (!(row in seen)) { seen[row] = 1; order[++rows] = row }
    for (f = 4; f <= 9; f++) cells[row, f] = cells[row, f] " " $f
    ratio = ($4 + 0 > 0 && $7 + 0 > 0) ? sprintf("%.2f", $7 / $4) : "n/a"
    ratios[row] = ratios[row] " " ratio
  }
  END {
    for (r = 1; r <= rows; r++) {
      row = order[r]; split(row, key, "|")
      rps_redis = median(cells[row, 4]); rps_shoal = median(cells[row, 7]); ratio = median(ratios[row])
      line = sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |", key[1], key[2],
        rps_redis == "n/a" ? rps_redis : int(rps_redis), rps_shoal == "n/a" ? rps_shoal : int(rps_shoal),
        ratio == "n/a" ? ratio : sprintf("%.2f", ratio),
        median(cells[row, 5]), median(cells[row, 8]), median(cells[row, 6]), median(cells[row, 9]))
      if (rounds > 1) line = line sprintf("%s |", ratios[row])
      print line
    }
  }' "$results"

[ "$MEMORY_KEYS" -gt 0 ] || exit 0
echo
echo "Memory: DEBUG POPULATE $MEMORY_KEYS keys of $VALUE_BYTES-byte values; RSS growth from /proc/<pid>/status."
echo
echo "| server | keys | RSS before MB | RSS after MB | bytes/key | ratio |"
echo "|---|---|---|---|---|---|"
redis_per_key=$(awk -v a="${rss_after[redis]}" -v b="${rss_before[redis]}" -v k="${keys_loaded[redis]}" 'BEGIN { printf "%.1f", (a - b) * 1024 / k }')
shoal_per_key=$(awk -v a="${rss_after[shoal]}" -v b="${rss_before[shoal]}" -v k="${keys_loaded[shoal]}" 'BEGIN { printf "%.1f", (a - b) * 1024 / k }')
for name in redis shoal; do
  per_key=$redis_per_key
  [ "$name" = shoal ] && per_key=$shoal_per_key
  ratio=$(awk -v p="$per_key" -v r="$redis_per_key" 'BEGIN { printf "%.2f", p / r }')
  printf '| %s | %s | %.1f | %.1f | %s | %s |\n' "$name" "${keys_loaded[$name]}" \
    "$(awk -v v="${rss_before[$name]}" 'BEGIN { print v / 1024 }')" "$(awk -v v="${rss_after[$name]}" 'BEGIN { print v / 1024 }')" \
    "$per_key" "$ratio"
done
