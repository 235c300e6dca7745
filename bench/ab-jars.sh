#!/usr/bin/env bash
# A/B of two Shoal builds: both jars run side by side and the same redis-benchmark runs alternate
# between them, so both see the same background load. Prints, per test, the median throughput and
# the median server CPU time per request (utime+stime from /proc, less sensitive to other load
# than throughput). Run it under the benchmark lock on a shared machine.
#
#   cp shoal-cli/target/shoal.jar /tmp/before.jar   # ... change, rebuild ...
#   flock /tmp/shoal-bench.lock bench/ab-jars.sh /tmp/before.jar shoal-cli/target/shoal.jar
#
# Environment: TESTS (redis-benchmark -t list, default set,get,incr; lrange_100, lrange_300,
# lrange_500 and lrange_600 run LRANGE mylist 0 N-1 alone on a list filled once, so the LPUSH
# that redis-benchmark -t lrange_N would interleave stays out of the figures), N (requests per run,
# 300000), P (pipeline, 16), ROUNDS (5), PORT_A (31392), PORT_B (31393), JAVA (newest JDK under
# /usr/lib/jvm), JAVA_OPTS (default: the launcher's, see bench/java.sh; the Unsafe option is added as
# ./shoal does), JAVA_OPTS_A and JAVA_OPTS_B (for one side only, replacing JAVA_OPTS: one jar twice
# with two collectors or heap layouts),
# SERVER_ARGS (more arguments for both servers, after "--set save=": without it a snapshot every 60 s
# under the write load lands in one side's run and not the other's; e.g. "--set appendonly=yes --set appendfsync=everysec"
# to compare the AOF's write path), SERVER_ARGS_A and SERVER_ARGS_B (for one side only: the same jar
# twice with SERVER_ARGS_B="--set appendonly=yes" gives what the AOF adds per request).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 A.jar B.jar" >&2; exit 1; }
. "$(dirname "$0")/java.sh"
. "$(dirname "$0")/scratch.sh"
tests="${TESTS:-set,get,incr}"; n="${N:-300000}"; P="${P:-16}"; rounds="${ROUNDS:-5}"
port_a="${PORT_A:-31392}"; port_b="${PORT_B:-31393}"
# shellcheck disable=SC2086
"$JAVA" $JAVA_FLAGS ${JAVA_OPTS_A:-${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}} -jar "$1" server --port "$port_a" --dir "$work/a" --set save= ${SERVER_ARGS:-} ${SERVER_ARGS_A:-} >"$work/a.log" 2>&1 &
pids+=($!); pid_a=$!
# shellcheck disable=SC2086
"$JAVA" $JAVA_FLAGS ${JAVA_OPTS_B:-${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}} -jar "$2" server --port "$port_b" --dir "$work/b" --set save= ${SERVER_ARGS:-} ${SERVER_ARGS_B:-} >"$work/b.log" 2>&1 &
pids+=($!); pid_b=$!
# redis-benchmark arguments of one test
test_args() {
  case "$1" in
    lrange_*) echo "LRANGE mylist 0 $((${1#lrange_} - 1))" ;;
    *) echo "-t $1" ;;
  esac
}
for port in $port_a $port_b; do
  wait_for_node "$port"
  if [[ ",$tests," == *,lrange_* ]]; then
    redis-benchmark -p "$port" -c 50 -n 1000 -q -t lpush >/dev/null  # fills mylist
  fi
  for t in ${tests//,/ }; do
    # shellcheck disable=SC2046
    redis-benchmark -p "$port" -c 50 -n $((400000 / $(echo "$tests" | tr , '\n' | wc -l))) -r 1000000 -P "$P" -q $(test_args "$t") >/dev/null  # JIT warm-up
  done
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for _ in $(seq "$rounds"); do
  for t in ${tests//,/ }; do
    for side in a b; do
      if [ $side = a ]; then port=$port_a; pid=$pid_a; else port=$port_b; pid=$pid_b; fi
      before=$(ticks "$pid")
      # shellcheck disable=SC2046
      rps=$(redis-benchmark -p "$port" -c 50 -n "$n" -r 1000000 -P "$P" --csv $(test_args "$t") | grep -v '^"test"' | cut -d, -f2 | tr -d '"')
      after=$(ticks "$pid")
      # clock ticks are 1/100 s: CPU microseconds per request
      echo "$t $side $rps $(awk -v a="$before" -v b="$after" -v n="$n" 'BEGIN { printf "%.3f", (b - a) * 10000 / n }')"
    done
  done
done >"$work/runs"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "A=$1 B=$2; redis-benchmark -c 50 -n $n -r 1000000 -P $P, $rounds rounds, medians"
echo
echo "| test | A ops/s | B ops/s | B/A | A CPU us/req | B CPU us/req |"
echo "|---|---|---|---|---|---|"
for t in ${tests//,/ }; do
  a=$(awk -v t="$t" '$1 == t && $2 == "a" { print $3 }' "$work/runs" | median)
  b=$(awk -v t="$t" '$1 == t && $2 == "b" { print $3 }' "$work/runs" | median)
  ca=$(awk -v t="$t" '$1 == t && $2 == "a" { print $4 }' "$work/runs" | median)
  cb=$(awk -v t="$t" '$1 == t && $2 == "b" { print $4 }' "$work/runs" | median)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$(echo "$t" | tr a-z A-Z)" "${a%.*}" "${b%.*}" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')" "$ca" "$cb"
done
