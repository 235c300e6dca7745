#!/usr/bin/env bash
# A 3-master Shoal cluster against a 3-master Redis cluster (Debian's redis-server) on loopback:
# redis-benchmark --cluster SET and GET at -P 1 and -P 16, then the same through Shoal's proxy
# port (a plain, non-cluster client). Prints requests per second and the ratios.
#
#   bench/cluster-vs-redis.sh            # defaults: -c 50 -n 1000000 -r 1000000
#   N=200000 bench/cluster-vs-redis.sh   # a shorter run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-1000000}
SHOAL_BASE=${SHOAL_BASE:-7400}
REDIS_BASE=${REDIS_BASE:-7500}
work=$(mktemp -d /tmp/shoal-bench.XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -f "$root/shoal-cli/target/shoal.jar" ] || (cd "$root" && ./mvnw -q -DskipTests package)

wait_ok() {
  for _ in $(seq 1 120); do
    if redis-cli -p "$1" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then return 0; fi
    sleep 0.5
  done
  echo "cluster on $1 did not become ok" >&2; exit 1
}

echo "== starting 3 Shoal nodes ($SHOAL_BASE..)"
for i in 0 1 2; do
  port=$((SHOAL_BASE + i))
  mkdir -p "$work/shoal-$port"
  java ${SHOAL_JAVA_OPTS:--XX:+UseParallelGC} -jar "$root/shoal-cli/target/shoal.jar" server --cluster \
    --port "$port" --dir "$work/shoal-$port" > "$work/shoal-$port.log" 2>&1 &
  pids+=($!)
done
echo "== starting 3 Redis nodes ($REDIS_BASE..)"
for i in 0 1 2; do
  port=$((REDIS_BASE + i))
  mkdir -p "$work/redis-$port"
  redis-server --port "$port" --cluster-enabled yes --cluster-config-file "$work/redis-$port/nodes.conf" \
    --dir "$work/redis-$port" --save '' --appendonly no --daemonize no > "$work/redis-$port.log" 2>&1 &
  pids+=($!)
done
for port in $SHOAL_BASE $((SHOAL_BASE+1)) $((SHOAL_BASE+2)) $REDIS_BASE $((REDIS_BASE+1)) $((REDIS_BASE+2)); do
  for _ in $(seq 1 120); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.5; done
done
redis-cli --cluster create 127.0.0.1:$SHOAL_BASE 127.0.0.1:$((SHOAL_BASE+1)) 127.0.0.1:$((SHOAL_BASE+2)) \
  --cluster-replicas 0 --cluster-yes > /dev/null
redis-cli --cluster create 127.0.0.1:$REDIS_BASE 127.0.0.1:$((REDIS_BASE+1)) 127.0.0.1:$((REDIS_BASE+2)) \
  --cluster-replicas 0 --cluster-yes > /dev/null
wait_ok "$SHOAL_BASE"; wait_ok "$REDIS_BASE"

# Prints "<SET rps> <GET rps>" for one run.
bench() {
  redis-benchmark "$@" -t set,get -c "$CLIENTS" -n "$N" -r "$KEYSPACE" --csv 2>/dev/null \
    | awk -F'","' '/"SET"/{s=$2} /"GET"/{g=$2} END{gsub(/"/,"",s); gsub(/"/,"",g); print s, g}'
}

printf "\n%-28s %12s %12s\n" "run" "SET rps" "GET rps"
for pipeline in 1 16; do
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
