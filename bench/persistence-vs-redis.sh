#!/usr/bin/env bash
# Persistence beside Redis: SET throughput with appendonly yes (appendfsync everysec, then always),
# and the time to load a snapshot of KEYS keys at start-up, for Debian's redis-server and Shoal.
# Both servers load the same RDB file, written by Redis.
#
#   bench/persistence-vs-redis.sh            # N=1000000 SETs, KEYS=1000000
#   N=100000 KEYS=200000 bench/persistence-vs-redis.sh
#
# Environment: N, CLIENTS (50), KEYS, VALUE_BYTES (16), REDIS_PORT (7379), SHOAL_PORT (7380),
# REDIS_SERVER (/usr/bin/redis-server), SHOAL (./shoal at the repository root), ONLY (aof or rdb: one part),
# FSYNC (the appendfsync policies to run, "everysec always"), WARMUP (SETs of the unrecorded warm-up
# before each AOF run, N/5, in two passes; 0 skips it).
# Shoal starts through the launcher, so it runs with the JVM flags and start-up cache users get; the
# first start after a build records the cache (untimed: the timed start-up is the second one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-1000000}"
CLIENTS="${CLIENTS:-50}"
KEYS="${KEYS:-1000000}"
VALUE_BYTES="${VALUE_BYTES:-16}"
REDIS_PORT="${REDIS_PORT:-7379}"
SHOAL_PORT="${SHOAL_PORT:-7380}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
SHOAL="${SHOAL:-$root/shoal}"
WARMUP="${WARMUP:-$((N / 5))}"

. "$root/bench/scratch.sh"

millis() { date +%s%3N; }

# Until the data set is loaded: DBSIZE answers a number (PING may answer while loading).
wait_loaded() {
  local port=$1 deadline=$((SECONDS + 600))
  until [[ "$(redis-cli -p "$port" dbsize 2>/dev/null)" =~ ^[0-9]+$ ]]; do
    [ $SECONDS -ge $deadline ] && { echo "port $port never finished loading" >&2; exit 1; }
    sleep 0.01
  done
}

start_redis() {
  "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/redis" \
    --enable-debug-command local --daemonize no >>"$work/redis.log" 2>&1 &
  pids+=($!)
  redis_pid=$!
}

start_shoal() {
  "$SHOAL" server --port "$SHOAL_PORT" --dir "$work/shoal" >>"$work/shoal.log" 2>&1 &
  pids+=($!)
  shoal_pid=$!
}

stop() {
  redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
  wait "$2" 2>/dev/null || true
}

mkdir -p "$work/redis" "$work/shoal"
start_redis
start_shoal
wait_for_node "$REDIS_PORT" 600
wait_for_node "$SHOAL_PORT" 600

if [ "${ONLY:-}" != rdb ]; then
echo "| test | Redis ops/s | Shoal ops/s | Shoal/Redis |"
echo "|---|---|---|---|"
for fsync in ${FSYNC:-everysec always}; do
  declare -A rps
  for port in "$REDIS_PORT" "$SHOAL_PORT"; do
    redis-cli -p "$port" config set appendfsync "$fsync" >/dev/null
    redis-cli -p "$port" config set appendonly yes >/dev/null
    sleep 1
    # Unrecorded warm-up, as in vs-redis.sh: the JIT compiles Shoal's AOF path before the timed run.
    # Two passes of half each: when the first pass's clients disconnect, the event loop's compiled
    # code meets the close path its profile never saw and is thrown away (unstable_if traps) and
    # compiled again, which took the first 200,000 requests after a single pass to 0.85 of the
    # rest (docs/performance.md, eighth round). vs-redis.sh's warm-up of several tests already
    # closes connections before its timed runs; a long-running node has done so long before.
    if [ "$WARMUP" -gt 0 ]; then
      for _ in 1 2; do
        redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$(( (WARMUP + 1) / 2 ))" -r 1000000 -t set -q >/dev/null 2>&1 || true
      done
    fi
    rps[$port]=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$N" -r 1000000 -t set --csv \
      | grep -v '^"test"' | tail -n 1 | tr -d '"' | cut -d, -f2)
    redis-cli -p "$port" config set appendonly no >/dev/null
    redis-cli -p "$port" flushall >/dev/null
  done
  printf '| SET appendfsync %s | %s | %s | %s |\n' "$fsync" "${rps[$REDIS_PORT]%.*}" "${rps[$SHOAL_PORT]%.*}" \
    "$(awk -v s="${rps[$SHOAL_PORT]}" -v r="${rps[$REDIS_PORT]}" 'BEGIN { printf "%.2f", s / r }')"
done
fi
[ "${ONLY:-}" = aof ] && exit 0

# One snapshot, written by Redis, loaded by both.
redis-cli -p "$REDIS_PORT" debug populate "$KEYS" key "$VALUE_BYTES" >/dev/null
redis-cli -p "$REDIS_PORT" save >/dev/null
cp "$work/redis/dump.rdb" "$work/shoal/dump.rdb"
stop "$REDIS_PORT" "$redis_pid"
stop "$SHOAL_PORT" "$shoal_pid"
cp "$work/redis/dump.rdb" "$work/shoal/dump.rdb"

started=$(millis); start_redis; wait_loaded "$REDIS_PORT"; redis_ms=$(( $(millis) - started ))
started=$(millis); start_shoal; wait_loaded "$SHOAL_PORT"; shoal_ms=$(( $(millis) - started ))
redis_keys=$(redis-cli -p "$REDIS_PORT" dbsize)
shoal_keys=$(redis-cli -p "$SHOAL_PORT" dbsize)
echo
echo "| start-up with an RDB of $KEYS keys | Redis | Shoal | Redis/Shoal |"
echo "|---|---|---|---|"
printf '| keys loaded | %s | %s | |\n' "$redis_keys" "$shoal_keys"
printf '| until loaded (DBSIZE answers), ms (Shoal includes JVM start) | %s | %s | %s |\n' "$redis_ms" "$shoal_ms" \
  "$(awk -v s="$shoal_ms" -v r="$redis_ms" 'BEGIN { printf "%.2f", r / s }')"
printf '| load itself (server log) | %s | %s | |\n' \
  "$(grep -a 'DB loaded from disk' "$work/redis.log" | tail -n 1 | sed 's/.*disk: //')" \
  "$(grep -a 'DB loaded from disk' "$work/shoal.log" | tail -n 1 | sed 's/.*disk: //')"
