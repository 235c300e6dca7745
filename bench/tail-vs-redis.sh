#!/usr/bin/env bash
# Where a latency tail comes from: runs redis-benchmark tests against Redis and a Shoal node side by
# side (as bench/vs-redis.sh, alternating which goes first) and prints, for each test, round and
# server, the latency distribution (p50 ... p99.9, max, from redis-benchmark's full output, not -q)
# and what the scheduler did to the server's busiest thread during the test: its CPU time, its time
# runnable but waiting for a core (schedstat), its involuntary context switches, and Shoal's other
# threads that ran or waited more than 5 ms (collector, compiler, timers), and the CPU time the
# client (redis-benchmark) spent per request: at -P 1 the client fills a core and sets the pace.
#
#   flock /tmp/shoal-bench.lock bench/tail-vs-redis.sh
#   TESTS="set incr" ROUNDS=5 SHOAL_ARGS="--set io-spin-micros=0" flock /tmp/shoal-bench.lock bench/tail-vs-redis.sh
#
# Environment: TESTS (redis-benchmark -t names, "set get incr mset"), ROUNDS (3), N (1000000),
# PIPELINE (1), CLIENTS (50), KEYSPACE (1000000), WARMUP (N/5, at -P 1 and -P 16), SHOAL_ARGS
# (after "--set save= --set appendonly=no"), SHOAL_JAVA_OPTS (the launcher's), KEEP (a directory
# to keep redis-benchmark's outputs in), REDIS_PORT (7391), SHOAL_PORT (7392).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTS="${TESTS:-set get incr mset}"
ROUNDS="${ROUNDS:-3}"
N="${N:-1000000}"
PIPELINE="${PIPELINE:-1}"
CLIENTS="${CLIENTS:-50}"
KEYSPACE="${KEYSPACE:-1000000}"
WARMUP="${WARMUP:-$((N / 5))}"
REDIS_PORT="${REDIS_PORT:-7391}"
SHOAL_PORT="${SHOAL_PORT:-7392}"

for tool in redis-server redis-benchmark redis-cli /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install redis-server redis-tools time)" >&2; exit 1; }
done

. "$root/bench/scratch.sh"
out="${KEEP:-$work/out}"
mkdir -p "$out"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --daemonize no \
  >"$out/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
# shellcheck disable=SC2086
SHOAL_STARTUP_CACHE=off "$root/shoal" server --port "$SHOAL_PORT" --dir "$work/shoal" --set save= \
  --set appendonly=no ${SHOAL_ARGS:-} >"$out/shoal.log" 2>&1 &
shoal_pid=$! # the launcher execs the JVM: this is the JVM's pid
pids+=("$shoal_pid")
wait_for_node "$REDIS_PORT" 300
wait_for_node "$SHOAL_PORT" 300

# One line per thread: tid|name|cpu ns|runqueue wait ns|involuntary switches.
threads() {
  local task stat
  for task in /proc/"$1"/task/*; do
    read -r cpu wait _ <"$task/schedstat" 2>/dev/null || continue
    echo "${task##*/}|$(cat "$task/comm")|$cpu|$wait|$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$task/status")"
  done
}

for pipeline in 1 16; do
  for test in $TESTS; do
    for port in $REDIS_PORT $SHOAL_PORT; do
      redis-benchmark -p "$port" -c "$CLIENTS" -n "$WARMUP" -r "$KEYSPACE" -P "$pipeline" -q -t "$test" >/dev/null 2>&1 || true
    done
  done
done

printf '%-5s %-2s %-5s %7s %6s %6s %6s %6s %6s %7s %7s %7s | %8s %8s %6s  %s\n' test r server ops/s p50 p90 p95 p99 p99.9 max "busy%" "cli us" \
  "cpu ms" "wait ms" invol "(busiest thread) other threads cpu/wait ms"
for round in $(seq 1 "$ROUNDS"); do
  order="redis shoal"
  [ $((round % 2)) -eq 0 ] && order="shoal redis"
  for test in $TESTS; do
    for name in $order; do
      if [ "$name" = redis ]; then port=$REDIS_PORT; pid=$redis_pid; else port=$SHOAL_PORT; pid=$shoal_pid; fi
      threads "$pid" >"$work/before"
      head -1 /proc/stat >"$work/stat.before"
      /usr/bin/time -f '%U %S' -o "$work/client" \
        redis-benchmark -p "$port" -c "$CLIENTS" -n "$N" -r "$KEYSPACE" -P "$PIPELINE" -t "$test" >"$out/$name-$test-$round.txt" 2>&1
      client=$(awk -v n="$N" '{ printf "%.2f", ($1 + $2) * 1e6 / n }' "$work/client")
      threads "$pid" >"$work/after"
      head -1 /proc/stat >"$work/stat.after"
      # The distribution: "99.219% <= 0.471 milliseconds" lines, first at or above each percentile;
      # p50/p99 and throughput from the summary.
      dist=$(awk '
        /percentile distribution/ { on = 1; next }
        /Cumulative distribution/ { on = 0 }
        on && /% <=/ { p = $1; sub("%", "", p); n++; pct[n] = p + 0; ms[n] = $3 }
        /throughput summary/ { rps = $3 }
        /avg +min +p50/ { getline; p50 = $3; p95 = $4; p99 = $5; max = $6 }
        function at(q,   i) { for (i = 1; i <= n; i++) if (pct[i] >= q) return ms[i]; return ms[n] }
        END { printf "%7.0f %6s %6s %6s %6s %6s %7s", rps, p50, at(90), p95, p99, at(99.9), max }
      ' "$out/$name-$test-$round.txt")
      busy=$(paste -d' ' "$work/stat.before" "$work/stat.after" | awk '{
        for (i = 2; i <= 9; i++) { t0 += $i; t1 += $(i + 11) }
        printf "%.0f", 200 * (1 - (($16 + $17) - ($5 + $6)) / (t1 - t0)) }')
      sched=$(awk -F'|' '
        NR == FNR { cpu[$1] = $3; wait[$1] = $4; inv[$1] = $5; next }
        ($1 in cpu) { n++; name[n] = $2; c[n] = ($3 - cpu[$1]) / 1e6; w[n] = ($4 - wait[$1]) / 1e6; v[n] = $5 - inv[$1]
          if (c[n] > c[top]) top = n }
        END { printf "%8.0f %8.1f %6d  (%s)", c[top], w[top], v[top], name[top]
          for (i = 1; i <= n; i++) if (i != top && (c[i] > 5 || w[i] > 5)) printf " %s %.0f/%.0f", name[i], c[i], w[i] }
      ' "$work/before" "$work/after")
      printf '%-5s %-2s %-5s %s %6s%% %7s | %s\n' "$test" "$round" "$name" "$dist" "$busy" "$client" "$sched"
    done
  done
done
