#!/usr/bin/env bash
# A 3-master Shoal cluster against a 3-master Redis cluster (Debian's redis-server) on loopback:
# redis-benchmark --cluster SET and GET at -P 1 and -P 16, then the same through Shoal's proxy
# port (a plain, non-cluster client). Prints requests per second and the ratios.
#
#   bench/cluster-vs-redis.sh               # defaults: -c 50 -n 1000000 -r 1000000, no replicas
#   REPLICAS=1 bench/cluster-vs-redis.sh    # 3 masters + 3 replicas on both sides (--cluster-replicas 1)
#   N=200000 bench/cluster-vs-redis.sh      # a shorter run
#   WARMUP=0 bench/cluster-vs-redis.sh      # no unrecorded warm-up pass (default 200000 SET+GET each)
#   PIPELINES=16 N=4000000 bench/cluster-vs-redis.sh  # only -P 16, long enough for the client's timer
#
# Shoal runs on the newest JDK under /usr/lib/jvm (as the ./shoal launcher picks it; JAVA overrides),
# with SHOAL_JAVA_OPTS (default: the launcher's, bench/java.sh) and SHOAL_ARGS (extra `server` options, e.g.
# "--set io-threads=2"). Both sides run without persistence (Redis: --save '' --appendonly no; Shoal:
# save= appendonly=no), as otherwise only Shoal would snapshot every 60 s under the write load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-1000000}
SHOAL_BASE=${SHOAL_BASE:-7400}
REDIS_BASE=${REDIS_BASE:-7500}
REPLICAS=${REPLICAS:-0}
WARMUP=${WARMUP:-200000}
PIPELINES=${PIPELINES:-1 16}
NODES=$((3 * (REPLICAS + 1)))
SHOAL_ARGS=${SHOAL_ARGS:-}
. "$root/bench/scratch.sh"

[ -f "$root/shoal-cli/target/shoal.jar" ] || (cd "$root" && ./mvnw -q -DskipTests package)

. "$root/bench/java.sh"

wait_ok() {
  for _ in $(seq 1 120); do
    if redis-cli -p "$1" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then return 0; fi
    sleep 0.5
  done
  echo "cluster on $1 did not become ok" >&2; exit 1
}

shoal_ports=(); redis_ports=()
for i in $(seq 0 $((NODES - 1))); do
  shoal_ports+=($((SHOAL_BASE + i))); redis_ports+=($((REDIS_BASE + i)))
done
echo "== starting $NODES Shoal nodes ($SHOAL_BASE..) on $JAVA"
for port in "${shoal_ports[@]}"; do
  mkdir -p "$work/shoal-$port"
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_FLAGS ${SHOAL_JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$root/shoal-cli/target/shoal.jar" server --cluster \
    --port "$port" --dir "$work/shoal-$port" --set save= --set appendonly=no $SHOAL_ARGS > "$work/shoal-$port.log" 2>&1 &
  pids+=($!)
done
echo "== starting $NODES Redis nodes ($REDIS_BASE..)"
for i in $(seq 0 $((NODES - 1))); do
  port=$((REDIS_BASE + i))
  mkdir -p "$work/redis-$port"
  redis-server --port "$port" --cluster-enabled yes --cluster-config-file "$work/redis-$port/nodes.conf" \
    --dir "$work/redis-$port" --save '' --appendonly no --daemonize no > "$work/redis-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${shoal_ports[@]}" "${redis_ports[@]}"; do
  for _ in $(seq 1 120); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.5; done
done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${shoal_ports[@]}") \
  --cluster-replicas "$REPLICAS" --cluster-yes > /dev/null
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${redis_ports[@]}") \
  --cluster-replicas "$REPLICAS" --cluster-yes > /dev/null
wait_ok "$SHOAL_BASE"; wait_ok "$REDIS_BASE"
if [ "$REPLICAS" -gt 0 ]; then
  # Every replica attached (master_link_status:up) before measuring, on both sides.
  for port in "${shoal_ports[@]}" "${redis_ports[@]}"; do
    for _ in $(seq 1 120); do
      role=$(redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r')
      if ! grep -q '^role:slave' <<<"$role" || grep -q '^master_link_status:up' <<<"$role"; then break; fi
      sleep 0.5
    done
  done
fi

# Prints "<SET rps> <GET rps>" for one run.
bench() {
  redis-benchmark "$@" -t set,get -c "$CLIENTS" -n "$N" -r "$KEYSPACE" --csv 2>/dev/null \
    | awk -F'","' '/"SET"/{s=$2} /"GET"/{g=$2} END{gsub(/"/,"",s); gsub(/"/,"",g); print s, g}'
}

# Warm-up (not printed): the JIT of six JVMs on two cores otherwise lands in the first test (SET).
if [ "$WARMUP" -gt 0 ]; then
  for port in "$REDIS_BASE" "$SHOAL_BASE"; do
    redis-benchmark -p "$port" --cluster -t set,get -c "$CLIENTS" -n "$WARMUP" -r "$KEYSPACE" -q > /dev/null 2>&1 || true
  done
  redis-benchmark -p "$((SHOAL_BASE + 1000))" -t set,get -c "$CLIENTS" -n "$WARMUP" -r "$KEYSPACE" -q > /dev/null 2>&1 || true
fi

printf "\n%s masters, %s replicas each\n" 3 "$REPLICAS"
printf "%-28s %12s %12s\n" "run" "SET rps" "GET rps"
for pipeline in $PIPELINES; do
  read -r rs rg < <(bench -p "$REDIS_BASE" --cluster -P "$pipeline")
  read -r ss sg < <(bench -p "$SHOAL_BASE" --cluster -P "$pipeline")
  read -r ps pg < <(bench -p "$((SHOAL_BASE + 1000))" -P "$pipeline")
  printf "%-28s %12s %12s\n" "redis cluster -P $pipeline" "$rs" "$rg"
  printf "%-28s %12s %12s\n" "shoal cluster -P $pipeline" "$ss" "$sg"
  printf "%-28s %12s %12s\n" "shoal proxy port -P $pipeline" "$ps" "$pg"
  awk -v rs="$rs" -v rg="$rg" -v ss="$ss" -v sg="$sg" -v ps="$ps" -v pg="$pg" -v p="$pipeline" 'BEGIN{
    printf "ratio shoal/redis -P %s:        SET %.2f  GET %.2f\n", p, ss/rs, sg/rg;
    printf "ratio proxy/shoal direct -P %s: SET %.2f  GET %.2f\n\n", p, ps/ss, pg/sg }'
done
