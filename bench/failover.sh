#!/usr/bin/env bash
# Failover, side by side: a 6-node Redis 7 cluster (Debian's redis-server, 3 masters with one
# replica each) and the same Shoal cluster in async mode and in durable mode (cluster-durable yes),
# all with cluster-node-timeout 1000 on loopback. For each: SET throughput (redis-benchmark
# --cluster), then `shoal bench failover`: KILLS times kill -9 a master under write load, time until
# a cluster client's write to its slots succeeds, restart it, wait until it is back as a replica;
# at the end read every acknowledged write back. Prints a table and the ratios.
#
#   bench/failover.sh                        # 20 kills per system
#   KILLS=5 bench/failover.sh                # a quicker run
#   SYSTEMS="redis" KILLS=5 bench/failover.sh
#
# Environment: KILLS (20), SYSTEMS ("redis shoal-async shoal-durable"), NODE_TIMEOUT (1000 ms),
# N (SET requests for the throughput run, 200000), CLIENTS (50), RATE (probe writes/s, 2000),
# REDIS_BASE (7600), SHOAL_BASE (7700; +1000 proxy and +10000 bus ports are used too),
# REDIS_SERVER (/usr/bin/redis-server), KEEP (1 keeps the work directory with all logs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KILLS=${KILLS:-20}
SYSTEMS=${SYSTEMS:-"redis shoal-async shoal-durable"}
NODE_TIMEOUT=${NODE_TIMEOUT:-1000}
N=${N:-200000}
CLIENTS=${CLIENTS:-50}
RATE=${RATE:-2000}
REDIS_BASE=${REDIS_BASE:-7600}
SHOAL_BASE=${SHOAL_BASE:-7700}
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
JAVA=${JAVA:-java}
SHOAL_NODE_OPTS=${SHOAL_NODE_OPTS:--XX:+UseParallelGC -Xmx512m}
jar="$root/shoal-cli/target/shoal.jar"
work=$(mktemp -d /tmp/shoal-failover.XXXXXX)
pids=()
ports=()

for tool in "$REDIS_SERVER" redis-cli redis-benchmark "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

teardown() {
  # The probe kills the nodes it restarted itself; these are the ones this script started, and
  # SHUTDOWN NOSAVE catches any node still answering on our ports.
  for port in "${ports[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  pids=(); ports=()
}
cleanup() {
  teardown
  if [ "${KEEP:-0}" = 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ ! -f "$jar" ] || [ -n "$(find "$root"/shoal-*/src/main "$root"/shoal-*/pom.xml -newer "$jar" -print -quit)" ]; then
  echo "== building $jar" >&2
  (cd "$root" && ./mvnw -q -DskipTests -pl shoal-cli -am package >&2)
fi

wait_answering() {
  for _ in $(seq 1 300); do
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.2
  done
  echo "node on port $1 did not start" >&2; return 1
}

wait_ok() {
  for _ in $(seq 1 300); do
    local all=1
    for port in "$@"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || all=0
    done
    [ $all = 1 ] && return 0
    sleep 0.2
  done
  echo "cluster on $1.. did not become ok" >&2; return 1
}

# Starts six nodes of a system at base..base+5; prints the restart template for the probe.
start_nodes() {
  local system=$1 base=$2
  for i in 0 1 2 3 4 5; do
    local port=$((base + i)) dir="$work/$system/$((base + i))"
    mkdir -p "$dir"
    ports+=("$port")
    if [ "$system" = redis ]; then
      cat > "$dir/redis.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $NODE_TIMEOUT
save ""
appendonly no
daemonize no
logfile $dir/redis.log
CONF
      "$REDIS_SERVER" "$dir/redis.conf" > "$dir/out.log" 2>&1 &
    else
      $JAVA $SHOAL_NODE_OPTS -jar "$jar" server --cluster --port "$port" --dir "$dir" $(shoal_sets "$system") \
        > "$dir/shoal.log" 2>&1 &
    fi
    pids+=($!)
    disown $!  # no "Killed" job notices: the probe kills these on purpose
  done
}

shoal_sets() {
  echo "--set cluster-node-timeout=$NODE_TIMEOUT"
  [ "$1" = shoal-durable ] && echo "--set cluster-durable=yes"
  return 0
}

restart_template() {
  if [ "$1" = redis ]; then
    echo "$REDIS_SERVER {dir}/redis.conf"
  else
    echo "$JAVA $SHOAL_NODE_OPTS -jar $jar server --cluster --port {port} --dir {dir} $(shoal_sets "$1" | tr '\n' ' ')"
  fi
}

# Fills the result variables of one system: rps, median, max, acked, lost (n/a when not measured).
declare -A RPS MEDIAN MAX ACKED LOST NOTE
measure() {
  local system=$1 base=$2
  RPS[$system]=n/a; MEDIAN[$system]=n/a; MAX[$system]=n/a; ACKED[$system]=n/a; LOST[$system]=n/a; NOTE[$system]=""
  echo "== $system: starting 6 nodes on $base..$((base + 5))"
  if [ "$system" = shoal-durable ] && ! durable_known; then
    NOTE[$system]="cluster-durable is not a Shoal setting yet"; echo "   ${NOTE[$system]}: skipped"; return 0
  fi
  start_nodes "$system" "$base"
  local endpoints=() p
  for i in 0 1 2 3 4 5; do
    p=$((base + i)); endpoints+=("127.0.0.1:$p")
    wait_answering "$p" || { NOTE[$system]="a node did not start"; teardown; return 0; }
  done
  if ! redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 1 --cluster-yes > "$work/$system/create.log" 2>&1; then
    NOTE[$system]="redis-cli --cluster create --cluster-replicas 1 failed: $(grep -m1 -E 'ERR|rror' "$work/$system/create.log" || tail -1 "$work/$system/create.log")"
    echo "   ${NOTE[$system]}"; teardown; return 0
  fi
  wait_ok "${ports[@]}" || { NOTE[$system]="the cluster did not become ok"; teardown; return 0; }
  echo "== $system: SET throughput (redis-benchmark --cluster -c $CLIENTS -n $N)"
  RPS[$system]=$(redis-benchmark -p "$base" --cluster -t set -c "$CLIENTS" -n "$N" -r 100000 --csv 2>/dev/null \
    | awk -F'","' '/"SET"/{gsub(/"/,"",$2); print $2}')
  [ -n "${RPS[$system]}" ] || RPS[$system]=n/a
  echo "   ${RPS[$system]} SET/s"
  redis-cli -p "$base" --cluster call "127.0.0.1:$base" flushall > /dev/null 2>&1 || true
  echo "== $system: $KILLS kills (shoal bench failover)"
  if $JAVA -jar "$jar" bench failover --seed "127.0.0.1:$base" --kills "$KILLS" --node-timeout "$NODE_TIMEOUT" \
      --rate "$RATE" --restart "$(restart_template "$system")" 2>&1 | grep --line-buffered -v '^SLF4J' | tee "$work/$system/probe.out" | sed 's/^/   /'; then
    :
  fi
  local result
  result=$(grep '^RESULT' "$work/$system/probe.out" || true)
  if [ -n "$result" ]; then
    MEDIAN[$system]=$(sed 's/.*failover_median_ms=\([0-9]*\).*/\1/' <<< "$result")
    MAX[$system]=$(sed 's/.*failover_max_ms=\([0-9]*\).*/\1/' <<< "$result")
    ACKED[$system]=$(sed 's/.*acked=\([0-9]*\).*/\1/' <<< "$result")
    LOST[$system]=$(sed 's/.*lost=\([0-9]*\).*/\1/' <<< "$result")
  else
    NOTE[$system]=$(grep -m1 '^ERROR' "$work/$system/probe.out" | cut -c1-160 || echo "the probe failed")
  fi
  teardown
}

# Whether Shoal knows the durable-mode setting: one throwaway node asked CONFIG GET.
durable_known() {
  local port=$((SHOAL_BASE + 9)) dir="$work/probe-setting"
  mkdir -p "$dir"
  $JAVA $SHOAL_NODE_OPTS -jar "$jar" server --port "$port" --dir "$dir" > "$dir/shoal.log" 2>&1 &
  local pid=$!
  disown $pid
  wait_answering "$port" >/dev/null 2>&1 || true
  local known
  known=$(redis-cli -p "$port" config get cluster-durable 2>/dev/null | head -1)
  kill -9 "$pid" 2>/dev/null || true
  [ "$known" = cluster-durable ]
}

for system in $SYSTEMS; do
  case $system in
    redis) measure redis "$REDIS_BASE" ;;
    shoal-async|shoal-durable) measure "$system" "$SHOAL_BASE" ;;
    *) echo "unknown system $system (redis, shoal-async, shoal-durable)" >&2; exit 2 ;;
  esac
done

echo
echo "Failover with cluster-node-timeout $NODE_TIMEOUT ms, $KILLS kills of a master (kill -9) each, $(nproc) cores"
printf "%-34s" ""; for s in $SYSTEMS; do printf "%16s" "$s"; done; echo
row() { local label=$1; local -n m=$2; printf "%-34s" "$label"; for s in $SYSTEMS; do printf "%16s" "${m[$s]}"; done; echo; }
row "failover median (ms)" MEDIAN
row "failover max (ms)" MAX
row "acknowledged writes" ACKED
row "acknowledged writes lost" LOST
row "SET throughput (req/s)" RPS
for s in $SYSTEMS; do [ -n "${NOTE[$s]}" ] && echo "$s: ${NOTE[$s]}"; done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "n/a" }'; }
case " $SYSTEMS " in *" shoal-async "*" shoal-durable "*)
  echo "SET throughput durable/async (Shoal): $(ratio "${RPS[shoal-durable]}" "${RPS[shoal-async]}")" ;; esac
case " $SYSTEMS " in *" redis "*" shoal-async "*)
  echo "failover median Shoal async/Redis:    $(ratio "${MEDIAN[shoal-async]}" "${MEDIAN[redis]}")" ;; esac
exit 0
