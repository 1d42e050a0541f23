#!/usr/bin/env bash
# broker-threads.sh - where a Potok broker's CPU goes, by thread, during a produce run.
#
#   bench/broker-threads.sh [--opts "JVM OPTIONS"] [--acks 1|all] [--records N] [--warmup N]
#
# Starts one Potok node (a snapshot of ./potok and the built jar, on 127.0.0.1:23092-23093, data in a temp dir),
# produces --warmup records (default 400000, unmeasured) to a topic it then deletes, and then --records records
# (default 1000000) of 1 KiB with producer-perf (acks, linger.ms=5, 6 partitions), then a consume of them, and then
# a fixed-rate latency run (5,000 records/s for 15 s, acks=all, linger.ms=0). Prints each tool's summary, the broker's
# CPU ms per MiB produced and consumed, and the broker's CPU ticks per thread group (Netty event loops, request
# threads, JIT compiler threads, GC, ...) over the produce run, from /proc/PID/task/*/stat. Kafka's tools come from
# bench/kafka-anchor.sh (fetched on first use). The node is stopped by PID and its directory removed at the end.
# --opts sets POTOK_JAVA_OPTS (default: the launcher's default), e.g. to compare JIT or GC settings.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
A="$HERE/kafka-anchor.sh"
OPTS="" ACKS=1 N=1000000 WARM=400000 PORT="${POTOK_PORT:-23092}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --opts) OPTS="$2"; shift 2 ;;
    --acks) ACKS="$2"; shift 2 ;;
    --records) N="$2"; shift 2 ;;
    --warmup) WARM="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "broker-threads.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$ROOT/potok-server/target/potok.jar" ]] || (cd "$ROOT" && mvn -B -q -DskipTests -pl potok-server -am package)
D="$(mktemp -d "${TMPDIR:-/tmp}/potok-threads.XXXXXX")"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill "$PID"; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$D"
}
trap cleanup EXIT
mkdir -p "$D/potok-server/target"
cp "$ROOT/potok" "$D/potok"
cp "$ROOT/potok-server/target/potok.jar" "$D/potok-server/target/"
envs=(POTOK_SKIP_BUILD=1)
[[ -n "$OPTS" ]] && envs+=("POTOK_JAVA_OPTS=$OPTS")
env "${envs[@]}" "$D/potok" start --set "log.dirs=$D/data" --set node.id=1 \
  --set "listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$((PORT + 1))" </dev/null >"$D/out.log" 2>&1 &
PID=$!
n=0
until grep -q "ready on" "$D/out.log" 2>/dev/null; do
  sleep 0.1; n=$((n + 1))
  ((n < 300)) && kill -0 "$PID" 2>/dev/null || { tail -n 20 "$D/out.log" >&2; echo "Potok did not start" >&2; exit 1; }
done
BS="127.0.0.1:$PORT"
cpu() { sed 's/^.*) //' "/proc/$PID/stat" | awk '{ print $12 + $13 }'; }
per_mib() { awk -v t="$1" -v n="$N" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (t * 1000 / hz) / (n / 1024) }'; }
# Ticks per thread group: thread names with their trailing numbers dropped.
threads() {
  local t
  for t in /proc/"$PID"/task/*; do
    printf '%s|%s\n' "$(cat "$t/comm")" "$(sed 's/^.*) //' "$t/stat" | awk '{ print $12 + $13 }')"
  done | awk -F'|' '{ n = $1; sub(/[-0-9]+$/, "", n); a[n] += $2 } END { for (k in a) print k "|" a[k] }' | LC_ALL=C sort -t'|' -k1,1
}
for t in warmup bench latency; do
  "$A" tool topics --bootstrap-server "$BS" --create --topic "$t" --partitions 6 --replication-factor 1 >/dev/null
done
"$A" tool producer-perf --bootstrap-server "$BS" --topic warmup --num-records "$WARM" --record-size 1024 \
  --throughput -1 --command-property acks="$ACKS" linger.ms=5 >/dev/null
"$A" tool topics --bootstrap-server "$BS" --delete --topic warmup >/dev/null
sleep 2
threads >"$D/t0"; c0="$(cpu)"
"$A" tool producer-perf --bootstrap-server "$BS" --topic bench --num-records "$N" --warmup-records "$((N / 10))" \
  --record-size 1024 --throughput -1 --command-property acks="$ACKS" linger.ms=5 | tail -n 1
c1="$(cpu)"; threads >"$D/t1"
echo "broker CPU ms per MiB produced: $(per_mib $((c1 - c0)))"
"$A" tool consumer-perf --bootstrap-server "$BS" --topic bench --messages "$N" --timeout 30000 | tail -n 1
c2="$(cpu)"
echo "broker CPU ms per MiB consumed: $(per_mib $((c2 - c1)))"
"$A" tool producer-perf --bootstrap-server "$BS" --topic latency --num-records 75000 --warmup-records 10000 \
  --record-size 1024 --throughput 5000 --command-property acks=all linger.ms=0 | tail -n 1
echo "broker CPU ticks by thread group over the produce run ($(getconf CLK_TCK) per second):"
LC_ALL=C join -t'|' "$D/t0" "$D/t1" | awk -F'|' '{ d = $3 - $2; if (d > 0) print d "|" $1 }' | sort -t'|' -k1,1nr |
  awk -F'|' '{ printf "  %-24s %6d\n", $2, $1 }'
