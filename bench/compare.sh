#!/usr/bin/env bash
# compare.sh - Potok against Apache Kafka 4.4.0 on this machine, side by side, with Kafka's own
# perf tools (ProducerPerformance, ConsumerPerformance, EndToEndLatency) for both.
#
#   bench/compare.sh [options]            full run: 2 rounds, about 15-20 minutes on 2 cores
#                                         (--flush adds 8-10; a busy machine makes it slower)
#   bench/compare.sh --quick              fewer records, 1 round of the cluster: about 6-8 minutes
#
# Both brokers are started by this script, fresh for every measurement, on 127.0.0.1, and stopped
# (by PID) afterwards; data goes to temp dirs that are removed. Kafka's jars come from Maven
# Central on first use into ${POTOK_BENCH_CACHE:-$HOME/.cache/potok-bench} (bench/kafka-anchor.sh
# does the fetching and runs Kafka). Runs alternate Potok Kafka Potok Kafka ... (A B A B).
#
# Workloads (defaults; options below change them):
#   single   one node; topic of 6 partitions RF 1; 1 KiB records, linger.ms=5, batch.size 16 KiB:
#            produce acks=1 then acks=all at full speed (--records each; steady state after
#            10% warm-up records), then consume everything from the earliest offset;
#            then a fixed-rate latency test: producer-perf at --lat-rate rec/s for --lat-seconds
#            (acks=all, linger.ms=--lat-linger; p50/p99/p99.9 of send->ack) and EndToEndLatency (--e2e records one at a
#            time, produce->consume). Every broker first gets an unmeasured warm-up
#            (--server-warmup records) so its JIT is not charged to the figures.
#   cluster  three nodes (each broker+controller), topic of 6 partitions RF 3,
#            min.insync.replicas=2, acks=all: produce (--cluster-records) and consume.
#   memory   each broker's peak RSS (VmHWM) at the end of its single-node run (and of each
#            cluster node), at each side's default heap settings.
#   startup  cold start of a fresh node: process launch -> first answered ApiVersions request
#            (pure-bash probe). Kafka's storage format, a separate JVM run before, is not
#            counted (Potok formats a fresh dir inside its start). Every broker start of the
#            run is timed; the start-up table adds --starts more per side, alternating, and
#            gives the median.
#   cpu      the brokers' own CPU time (user + system from /proc/PID/stat, all nodes of a
#            cluster) over each produce and consume run, per MiB of records: what each broker
#            costs independently of the client tools that share the machine's cores with it.
# Durability: by default neither broker fsyncs on produce (both leave flushing to the OS:
# log.flush.interval.messages unset). --flush adds a second table in which both run with
# log.flush.interval.messages=1 (an fsync per append) for the single-node produce/latency tests.
#
# Options:
#   --quick              records 300000, cluster-records 150000, server-warmup 200000,
#                        lat-seconds 8, e2e 1000, cluster rounds 1, starts 3
#   --records N          records per single-node produce test        (1000000)
#   --cluster-records N  records for the cluster produce test         (500000)
#   --rounds N           rounds of Potok,Kafka                        (2)
#   --cluster-rounds N   rounds for the cluster workload              (= --rounds)
#   --lat-rate R         fixed rate of the latency test, records/s   (5000)
#   --lat-linger MS      linger.ms of the latency test's producer     (0: no wait of the client's own, so the
#                        figures are the brokers' latency rather than the batching delay linger.ms=5 adds)
#   --lat-seconds S      length of the latency test                   (15)
#   --e2e N              EndToEndLatency records, 0 = skip            (2000)
#   --server-warmup N    unmeasured records before measuring          (400000)
#   --starts N           extra cold starts per broker, alternating, for the start-up table (5; 0 = none)
#   --only LIST          comma list of: single,cluster,startup (default all three)
#   --flush              add the flush-per-message table (single node)
#   --potok-opts "..."   POTOK_JAVA_OPTS for Potok (default: the potok script's default)
#   --out DIR            keep raw logs and results.tsv in DIR (default: temp dir, removed)
# Env: JAVA, POTOK_BENCH_CACHE, KAFKA_TOOL_HEAP as for bench/kafka-anchor.sh; KAFKA_PORT (21092) and
#      POTOK_PORT (22092): first broker port of each side (a cluster uses the next 5 too).
set -euo pipefail

ARGS="$*"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ANCHOR="$HERE/kafka-anchor.sh"
POTOK="$ROOT/potok"

RECORDS=1000000 CRECORDS=500000 ROUNDS=2 CROUNDS="" LAT_RATE=5000 LAT_LINGER=0 LAT_SECONDS=15 E2E=2000 WARM=400000
ONLY="single,cluster,startup" FLUSH=0 STARTS=5 OUT="" POTOK_OPTS_SET=0 POTOK_OPTS=""
SIZE=1024 PARTS=6 LINGER=5
KPORT="${KAFKA_PORT:-21092}" PPORT="${POTOK_PORT:-22092}"

die() { echo "compare.sh: error: $*" >&2; exit 1; }
note() { echo "compare.sh: $*" >&2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) RECORDS=300000 CRECORDS=150000 WARM=200000 LAT_SECONDS=8 E2E=1000 CROUNDS=1 STARTS=3; shift ;;
    --starts) STARTS="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --cluster-records) CRECORDS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --cluster-rounds) CROUNDS="$2"; shift 2 ;;
    --lat-rate) LAT_RATE="$2"; shift 2 ;;
    --lat-linger) LAT_LINGER="$2"; shift 2 ;;
    --lat-seconds) LAT_SECONDS="$2"; shift 2 ;;
    --e2e) E2E="$2"; shift 2 ;;
    --server-warmup) WARM="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --flush) FLUSH=1; shift ;;
    --potok-opts) POTOK_OPTS="$2"; POTOK_OPTS_SET=1; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
CROUNDS="${CROUNDS:-$ROUNDS}"
LAT_RECORDS=$((LAT_RATE * LAT_SECONDS))
[[ -x "$ANCHOR" ]] || die "missing $ANCHOR"

if [[ -n "$OUT" ]]; then mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"; KEEP=1
else OUT="$(mktemp -d "${TMPDIR:-/tmp}/potok-compare.XXXXXX")"; KEEP=0; fi
RES="$OUT/results.tsv"
: >"$RES"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/potok-compare-data.XXXXXX")"
POTOK_PIDS=()

cleanup() {
  local p
  for p in "${POTOK_PIDS[@]+"${POTOK_PIDS[@]}"}"; do potok_kill "$p"; done
  "$ANCHOR" stop --port "$KPORT" >/dev/null 2>&1 || true
  rm -rf "$DATA"
  [[ $KEEP == 1 ]] || rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------- helpers --
now() { date +%s.%N; }
tool() { "$ANCHOR" tool "$@"; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RES"; }  # table round broker key value

# ApiVersions v0 probe of 127.0.0.1:PORT, pure bash (no JVM start).
answers() {
  local out
  out="$(timeout 3 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "\x00\x00\x00\x0d\x00\x12\x00\x00\x00\x00\x00\x07\x00\x03pok" >&3
      head -c 10 <&3 | od -An -v -tx1' _ "$1" 2>/dev/null)" || return 1
  out="$(echo $out)"
  [[ "$out" =~ ^([0-9a-f]{2}\ ){4}00\ 00\ 00\ 07\ 00\ 00$ ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# CPU time (user + system, in clock ticks) the brokers of the current run have used so far, summed over their pids
broker_cpu_ticks() {
  local p t=0 v
  for p in "${PIDS_STARTED[@]}"; do
    v="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || v=0
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
CLK_TCK="$(getconf CLK_TCK)"

# record_cpu TABLE ROUND BROKER KEY TICKS_BEFORE RECORDS: broker CPU ms per MiB of records moved
record_cpu() {
  local ticks=$(( $(broker_cpu_ticks) - $5 ))
  record "$1" "$2" "$3" "$4.cpu" "$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$6" -v sz="$SIZE" \
      'BEGIN { printf "%.2f", (t * 1000 / hz) / (n * sz / 1048576) }')"
}

vmhwm_mib() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo ""; }

# true if PID is a live Potok JVM started by this script (data dir under $DATA)
potok_ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -q -- "$DATA/"; }

potok_kill() {
  local pid="$1" n=0
  potok_ours "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while potok_ours "$pid" && ((n < 300)); do sleep 0.1; n=$((n + 1)); done
  potok_ours "$pid" && kill -KILL "$pid" 2>/dev/null || true
}

# The run uses a snapshot of the launcher and the jar, so that a rebuild in the work tree during the run (or the
# launcher's rebuild-when-sources-changed check) cannot change what is measured.
ensure_potok_jar() {
  if [[ ! -f "$ROOT/potok-server/target/potok.jar" ]]; then
    note "building Potok (mvn package)..."
    (cd "$ROOT" && mvn -B -q -DskipTests -pl potok-server -am package) >&2
  fi
  mkdir -p "$DATA/install/potok-server/target"
  cp "$ROOT/potok" "$DATA/install/potok"
  cp "$ROOT/potok-server/target/potok.jar" "$DATA/install/potok-server/target/potok.jar"
  POTOK="$DATA/install/potok"
}

# One unmeasured start and stop of each broker: Potok's launcher makes its class-data archive on its first start
# after a build, and both sides get their jars into the page cache, as on any machine that ran them before.
prime() {
  note "priming: one unmeasured start of each broker"
  potok_start 1; potok_stop_all
  kafka_start 1; kafka_stop_all
}

# potok_start NODES EXTRA_SET... -> sets PIDS_STARTED, BOOT, COLD_S (first node answer)
potok_start() {
  local nodes="$1"; shift
  local -a extra=("$@")
  local voters="" i
  for ((i = 1; i <= nodes; i++)); do voters+="${voters:+,}$i@127.0.0.1:$((PPORT + nodes + i - 1))"; done
  PIDS_STARTED=() BOOT=""
  local t0; t0="$(now)"
  for ((i = 1; i <= nodes; i++)); do
    local port=$((PPORT + i - 1)) cport=$((PPORT + nodes + i - 1)) dir="$DATA/potok-$i"
    rm -rf "$dir"; mkdir -p "$dir"
    local -a sets=(--set "log.dirs=$dir/data" --set "node.id=$i"
                   --set "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport"
                   --set group.initial.rebalance.delay.ms=0)
    ((nodes > 1)) && sets+=(--set "controller.quorum.voters=$voters")
    local kv; for kv in "${extra[@]+"${extra[@]}"}"; do sets+=(--set "$kv"); done
    port_in_use "$port" && die "port $port on 127.0.0.1 is in use (set POTOK_PORT)"
    port_in_use "$cport" && die "port $cport on 127.0.0.1 is in use (set POTOK_PORT)"
    local -a envs=(POTOK_SKIP_BUILD=1)
    [[ $POTOK_OPTS_SET == 1 ]] && envs+=("POTOK_JAVA_OPTS=$POTOK_OPTS")
    rm -f "$dir.pid"
    # The pid file holds the launcher's pid, which exec's into the JVM: the pid we signal later.
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$dir.pid" env "${envs[@]}" "$POTOK" start "${sets[@]}" \
      </dev/null >"$dir/out.log" 2>&1 &
    local n=0
    while [[ ! -s "$dir.pid" && $n -lt 200 ]]; do sleep 0.01; n=$((n + 1)); done
    PIDS_STARTED+=("$(cat "$dir.pid")")
    POTOK_PIDS+=("$(cat "$dir.pid")")
    BOOT+="${BOOT:+,}127.0.0.1:$port"
  done
  local -a up=() first=""
  while :; do
    local all=1
    for ((i = 1; i <= nodes; i++)); do
      [[ -n "${up[$i]:-}" ]] && continue
      if ! kill -0 "${PIDS_STARTED[$((i - 1))]}" 2>/dev/null; then
        tail -n 30 "$DATA/potok-$i/out.log" >&2; die "Potok node $i exited during start-up"
      fi
      if answers $((PPORT + i - 1)); then up[$i]="$(now)"; [[ -z "$first" ]] && first="${up[$i]}"; else all=0; fi
    done
    [[ $all == 1 ]] && break
    awk -v a="$t0" -v b="$(now)" 'BEGIN { exit !(b - a > 120) }' && die "Potok did not answer within 120 s"
    sleep 0.02
  done
  COLD_S="$(awk -v a="$t0" -v b="$first" 'BEGIN { printf "%.3f", b - a }')"
}

potok_stop_all() {
  local p i=1
  for p in "${PIDS_STARTED[@]}"; do potok_kill "$p"; cp "$DATA/potok-$i/out.log" "$OUT/potok-node$i-$(date +%s).log" 2>/dev/null || true; i=$((i + 1)); done
  rm -rf "$DATA"/potok-*
}

# kafka_start NODES EXTRA_SET... -> PIDS_STARTED, BOOT, COLD_S
kafka_start() {
  local nodes="$1"; shift
  local -a sets=(); local kv
  for kv in "$@"; do sets+=(--set "$kv"); done
  local pids
  pids="$("$ANCHOR" start --port "$KPORT" --nodes "$nodes" --dir "$DATA/kafka" "${sets[@]+"${sets[@]}"}" 2>"$OUT/kafka-start.log")" ||
    { cat "$OUT/kafka-start.log" >&2; die "Kafka did not start"; }
  read -r -a PIDS_STARTED <<<"$pids"
  BOOT=""; local i; for ((i = 0; i < nodes; i++)); do BOOT+="${BOOT:+,}127.0.0.1:$((KPORT + i))"; done
  COLD_S="$(sed -n 's/.*cold start (JVM launch -> first ApiVersions answer) \([0-9.]*\)s.*/\1/p' "$OUT/kafka-start.log")"
}

kafka_stop_all() { "$ANCHOR" stop --port "$KPORT" >/dev/null 2>&1 || true; }

broker_start() {  # BROKER NODES EXTRA...
  local b="$1"; shift
  if [[ $b == potok ]]; then potok_start "$@"; else kafka_start "$@"; fi
}
broker_stop() { if [[ $1 == potok ]]; then potok_stop_all; else kafka_stop_all; fi; }

# Parse a ProducerPerformance summary line into "rps mbs avg max p50 p95 p99 p999".
parse_prod() {
  tr ',()' '   ' | awk '{
    for (i = 1; i <= NF; i++) {
      if ($i == "records/sec") rps = $(i-1)
      if ($i == "MB/sec") mbs = $(i-1)
      if ($i == "avg") avg = $(i-2)
      if ($i == "max") mx = $(i-2)
      if ($i == "50th") p50 = $(i-2)
      if ($i == "95th") p95 = $(i-2)
      if ($i == "99th") p99 = $(i-2)
      if ($i ~ /^99\.9th/) p999 = $(i-2)
    }
    printf "%s %s %s %s %s %s %s %s\n", rps, mbs, avg, mx, p50, p95, p99, p999 }'
}

create_topic() {  # BOOT TOPIC PARTS RF [MINISR]
  local n=0 cfg=()
  [[ -n "${5:-}" ]] && cfg=(--config "min.insync.replicas=$5")
  until tool topics --bootstrap-server "$1" --create --topic "$2" --partitions "$3" --replication-factor "$4" \
          "${cfg[@]+"${cfg[@]}"}" >>"$OUT/topics.log" 2>&1; do
    n=$((n + 1)); ((n < 15)) || { tail -n 20 "$OUT/topics.log" >&2; die "could not create topic $2"; }
    sleep 1
  done
}

# produce TABLE ROUND BROKER KEY BOOT TOPIC NUM THROUGHPUT ACKS [LINGER_MS]
produce() {
  local tbl="$1" rnd="$2" b="$3" key="$4" bs="$5" topic="$6" num="$7" tput="$8" acks="$9" linger="${10:-$LINGER}"
  local logf="$OUT/$tbl-r$rnd-$b-$key.log" warm=$((num / 10)) line
  [[ $tput != -1 ]] && warm=$((tput * 2 < num / 5 ? tput * 2 : num / 5))
  note "  [$b] $key: $num x $SIZE B, acks=$acks, throughput $tput, linger.ms=$linger"
  local cpu0; cpu0="$(broker_cpu_ticks)"
  tool producer-perf --bootstrap-server "$bs" --topic "$topic" --num-records "$num" --warmup-records "$warm" \
      --record-size "$SIZE" --throughput "$tput" \
      --command-property acks="$acks" linger.ms="$linger" >"$logf" 2>&1 ||
    { tail -n 20 "$logf" >&2; die "producer-perf failed ($logf)"; }
  record_cpu "$tbl" "$rnd" "$b" "$key" "$cpu0" "$num"
  line="$(grep 'steady state records sent' "$logf" | tail -n 1)"
  [[ -n "$line" ]] || { tail -n 20 "$logf" >&2; die "no summary line in $logf"; }
  local f; read -r -a f <<<"$(parse_prod <<<"$line")"
  record "$tbl" "$rnd" "$b" "$key.rps" "${f[0]}"; record "$tbl" "$rnd" "$b" "$key.mbs" "${f[1]}"
  record "$tbl" "$rnd" "$b" "$key.avg" "${f[2]}"; record "$tbl" "$rnd" "$b" "$key.p50" "${f[4]}"
  record "$tbl" "$rnd" "$b" "$key.p99" "${f[6]}"; record "$tbl" "$rnd" "$b" "$key.p999" "${f[7]}"
  if grep -qiE '^(\[.*\] )?(ERROR|WARN).*(Exception|error)|Exception in thread' "$logf"; then
    note "  [$b] $key: the tool log reports errors, see $logf"; record "$tbl" "$rnd" "$b" "$key.errors" 1
  fi
}

consume() {  # TABLE ROUND BROKER KEY BOOT TOPIC NUM
  local tbl="$1" rnd="$2" b="$3" key="$4" bs="$5" topic="$6" num="$7"
  local logf="$OUT/$tbl-r$rnd-$b-$key.log"
  note "  [$b] $key: $num records from earliest"
  local cpu0; cpu0="$(broker_cpu_ticks)"
  tool consumer-perf --bootstrap-server "$bs" --topic "$topic" --num-records "$num" --timeout 30000 \
      --group "compare-$RANDOM$RANDOM" >"$logf" 2>&1 || { tail -n 20 "$logf" >&2; die "consumer-perf failed ($logf)"; }
  record_cpu "$tbl" "$rnd" "$b" "$key" "$cpu0" "$num"
  local vals
  vals="$(awk -F', *' '/^start.time/ { for (i = 1; i <= NF; i++) h[i] = $i; hdr = 1; next }
      hdr && NF >= 10 { for (i = 1; i <= NF; i++) v[h[i]] = $i; got = 1 }
      END { if (got) printf "%s %s %s\n", v["MB.sec"], v["fetch.MB.sec"], v["data.consumed.in.nMsg"] }' "$logf")"
  [[ -n "$vals" ]] || { tail -n 20 "$logf" >&2; die "no result line in $logf"; }
  local f; read -r -a f <<<"$vals"
  record "$tbl" "$rnd" "$b" "$key.mbs" "${f[0]}"; record "$tbl" "$rnd" "$b" "$key.fetch_mbs" "${f[1]}"
  [[ "${f[2]}" -ge "$num" ]] || { note "  [$b] $key: read only ${f[2]} of $num records"; record "$tbl" "$rnd" "$b" "$key.short" 1; }
}

e2e() {  # TABLE ROUND BROKER BOOT
  ((E2E > 0)) || return 0
  local tbl="$1" rnd="$2" b="$3" bs="$4" logf="$OUT/$1-r$2-$3-e2e.log"
  note "  [$b] e2e: $E2E records one at a time"
  tool e2e-latency --bootstrap-server "$bs" --topic bench-e2e --num-records "$E2E" --producer-acks all \
      --record-size "$SIZE" >"$logf" 2>&1 || { tail -n 20 "$logf" >&2; die "e2e-latency failed ($logf)"; }
  local avg pct f
  avg="$(awk '/^Avg latency:/ { print $3 }' "$logf")"
  pct="$(awk -F'[=,]' '/^Percentiles:/ { gsub(/ /, ""); print $2, $4, $6 }' "$logf")"
  read -r -a f <<<"$pct"
  record "$tbl" "$rnd" "$b" e2e.avg "$avg"; record "$tbl" "$rnd" "$b" e2e.p50 "${f[0]:-}"
  record "$tbl" "$rnd" "$b" e2e.p99 "${f[1]:-}"; record "$tbl" "$rnd" "$b" e2e.p999 "${f[2]:-}"
}

warm_up() {  # BROKER BOOT RF
  ((WARM > 0)) || return 0
  local b="$1" bs="$2" rf="$3" half=$((WARM / 2)) acks
  create_topic "$bs" warmup "$PARTS" "$rf"
  for acks in 1 all; do
    tool producer-perf --bootstrap-server "$bs" --topic warmup --num-records "$half" --record-size "$SIZE" \
      --throughput -1 --command-property acks="$acks" linger.ms="$LINGER" >"$OUT/warmup-$b.log" 2>&1 ||
      { tail -n 20 "$OUT/warmup-$b.log" >&2; die "warm-up produce failed"; }
  done
  tool consumer-perf --bootstrap-server "$bs" --topic warmup --num-records "$WARM" --timeout 30000 \
    >>"$OUT/warmup-$b.log" 2>&1 || { tail -n 20 "$OUT/warmup-$b.log" >&2; die "warm-up consume failed"; }
  tool topics --bootstrap-server "$bs" --delete --topic warmup >>"$OUT/topics.log" 2>&1 || true
}

# ----------------------------------------------------------------- workloads --
single_round() {  # TABLE ROUND BROKER EXTRA...
  local tbl="$1" rnd="$2" b="$3"; shift 3
  sync
  broker_start "$b" 1 "$@"
  local pid="${PIDS_STARTED[0]}" bs="$BOOT"
  record "$tbl" "$rnd" "$b" cold_s "$COLD_S"
  record "$tbl" "$rnd" "$b" loadavg "$(cut -d' ' -f1 /proc/loadavg)"
  note "[$tbl round $rnd] $b up in ${COLD_S}s (pid $pid, load avg $(cut -d' ' -f1 /proc/loadavg))"
  warm_up "$b" "$bs" 1
  create_topic "$bs" bench "$PARTS" 1
  create_topic "$bs" bench-lat "$PARTS" 1
  ((E2E > 0)) && create_topic "$bs" bench-e2e 1 1
  sync
  produce "$tbl" "$rnd" "$b" p1 "$bs" bench "$RECORDS" -1 1
  sync
  produce "$tbl" "$rnd" "$b" pall "$bs" bench "$RECORDS" -1 all
  sync
  consume "$tbl" "$rnd" "$b" consume "$bs" bench $((RECORDS * 2))
  produce "$tbl" "$rnd" "$b" lat "$bs" bench-lat "$LAT_RECORDS" "$LAT_RATE" all "$LAT_LINGER"
  e2e "$tbl" "$rnd" "$b" "$bs"
  record "$tbl" "$rnd" "$b" rss_mib "$(vmhwm_mib "$pid")"
  broker_stop "$b"
}

cluster_round() {  # ROUND BROKER
  local rnd="$1" b="$2"
  sync
  if [[ $b == potok ]]; then
    broker_start potok 3 min.insync.replicas=2 offsets.topic.replication.factor=3 default.replication.factor=3
  else
    broker_start kafka 3 min.insync.replicas=2
  fi
  local bs="$BOOT"
  record cluster "$rnd" "$b" cold_s "$COLD_S"
  record cluster "$rnd" "$b" loadavg "$(cut -d' ' -f1 /proc/loadavg)"
  note "[cluster round $rnd] $b: 3 nodes up, first answer after ${COLD_S}s (pids ${PIDS_STARTED[*]})"
  WARM_SAVED=$WARM; WARM=$((WARM / 2)); warm_up "$b" "$bs" 3; WARM=$WARM_SAVED
  create_topic "$bs" bench "$PARTS" 3 2
  sync
  produce cluster "$rnd" "$b" pall "$bs" bench "$CRECORDS" -1 all
  consume cluster "$rnd" "$b" consume "$bs" bench "$CRECORDS"
  local p max=0 m
  for p in "${PIDS_STARTED[@]}"; do m="$(vmhwm_mib "$p")"; [[ -n "$m" && $m -gt $max ]] && max=$m; done
  record cluster "$rnd" "$b" rss_mib "$max"
  broker_stop "$b"
}

startup_round() {  # SAMPLE BROKER
  sync
  broker_start "$2" 1
  record startup "$1" "$2" cold_s "$COLD_S"
  record startup "$1" "$2" loadavg "$(cut -d' ' -f1 /proc/loadavg)"
  note "[startup $1] $2 answered after ${COLD_S}s"
  broker_stop "$2"
}

# -------------------------------------------------------------------- report --
summary() {  # TABLE TITLE
  awk -F'\t' -v tbl="$1" -v title="$2" '
    $1 != tbl { next }
    { k = $4; v[$3, $2, k] = $5; if (!($2 in rs)) { rs[$2] = 1; nr++ } keys[k] = 1 }
    function stat(b, k,   r, n, s, q, i, j, x) {
      n = 0; s = 0
      for (r = 1; r <= 20; r++) if ((b, r, k) in v && v[b, r, k] != "") {
        x = v[b, r, k] + 0; s += x; n++
        for (j = n - 1; j > 0 && q[j] > x; j--) q[j + 1] = q[j]
        q[j + 1] = x
      }
      if (!n) return ""
      if (tbl == "startup") return (n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2)
      return s / n
    }
    function per(b, k, fmt,   r, out) { out = ""; for (r = 1; r <= 20; r++) if ((b, r, k) in v) out = out (out == "" ? "" : " ") sprintf(fmt, v[b, r, k]); return out }
    function line(name, k, fmt, target,   a, b, ratio, ok) {
      if (!(k in keys)) return
      a = stat("potok", k); b = stat("kafka", k)
      ratio = (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-"
      ok = ""
      if (target != "" && ratio != "-") {
        if (substr(target, 1, 1) == ">") ok = (ratio + 0 >= substr(target, 3) + 0) ? "yes" : "NO"
        else ok = (ratio + 0 <= substr(target, 3) + 0) ? "yes" : "NO"
      }
      printf "| %-34s | %-20s | %-20s | %9s | %6s | %-4s |\n", name, per("potok", k, fmt) " (" (a == "" ? "-" : sprintf(fmt, a)) ")",
        per("kafka", k, fmt) " (" (b == "" ? "-" : sprintf(fmt, b)) ")", ratio, target, ok
    }
    END {
      printf "\n### %s\n\n", title
      printf "| %-34s | %-20s | %-20s | %9s | %6s | %-4s |\n", "metric", "Potok per round (mean)", "Kafka per round (mean)", "Potok/Kafka", "target", "met"
      printf "|%s|%s|%s|%s|%s|%s|\n", "------------------------------------", "----------------------", "----------------------", "-----------", "--------", "------"
      line("produce acks=1 MB/s", "p1.mbs", "%.1f", ">=1.2")
      line("produce acks=1 records/s", "p1.rps", "%.0f", "")
      line("produce acks=1 avg ms", "p1.avg", "%.1f", "")
      line("produce acks=1 p99 ms", "p1.p99", "%.0f", "")
      line("broker CPU ms per MiB, acks=1", "p1.cpu", "%.2f", "")
      line("produce acks=all MB/s", "pall.mbs", "%.1f", ">=1.2")
      line("produce acks=all records/s", "pall.rps", "%.0f", "")
      line("produce acks=all avg ms", "pall.avg", "%.1f", "")
      line("produce acks=all p99 ms", "pall.p99", "%.0f", "")
      line("broker CPU ms per MiB, acks=all", "pall.cpu", "%.2f", "")
      line("consume MB/s (incl. group join)", "consume.mbs", "%.1f", ">=1.0")
      line("consume MB/s (fetch only)", "consume.fetch_mbs", "%.1f", "")
      line("broker CPU ms per MiB consumed", "consume.cpu", "%.2f", "")
      line("fixed-rate latency p50 ms", "lat.p50", "%.1f", "")
      line("fixed-rate latency p99 ms", "lat.p99", "%.1f", "<=0.5")
      line("fixed-rate latency p99.9 ms", "lat.p999", "%.1f", "")
      line("e2e produce->consume avg ms", "e2e.avg", "%.2f", "")
      line("e2e p99 ms (whole ms)", "e2e.p99", "%.0f", "")
      line("peak RSS (VmHWM) MiB", "rss_mib", "%.0f", "<=0.5")
      line("cold start to ApiVersions s", "cold_s", "%.2f", "<=0.3")
      line("load average at start", "loadavg", "%.1f", "")
    }' "$RES"
}

# ---------------------------------------------------------------------- main --
ensure_potok_jar
"$ANCHOR" fetch >/dev/null
prime
potok_heap="$(sed -n 's/^java_opts=(\${POTOK_JAVA_OPTS:-\(.*\)})$/\1/p' "$POTOK")"
[[ $POTOK_OPTS_SET == 1 ]] && potok_heap="$POTOK_OPTS"
T0=$(date +%s)
note "settings: records=$RECORDS cluster-records=$CRECORDS rounds=$ROUNDS cluster-rounds=$CROUNDS" \
     "latency=$LAT_RECORDS@$LAT_RATE/s linger=$LAT_LINGER e2e=$E2E server-warmup=$WARM out=$OUT"

if [[ ",$ONLY," == *,single,* ]]; then
  for ((r = 1; r <= ROUNDS; r++)); do
    single_round os "$r" potok
    single_round os "$r" kafka
  done
  if [[ $FLUSH == 1 ]]; then
    for ((r = 1; r <= ROUNDS; r++)); do
      single_round fsync "$r" potok log.flush.interval.messages=1
      single_round fsync "$r" kafka log.flush.interval.messages=1
    done
  fi
fi
if [[ ",$ONLY," == *,cluster,* ]]; then
  for ((r = 1; r <= CROUNDS; r++)); do
    cluster_round "$r" potok
    cluster_round "$r" kafka
  done
fi
if [[ ",$ONLY," == *,startup,* ]]; then
  for ((r = 1; r <= STARTS; r++)); do
    startup_round "$r" potok
    startup_round "$r" kafka
  done
fi

{
  echo "## Potok vs Apache Kafka 4.4.0 - bench/compare.sh, $(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC, $(( ($(date +%s) - T0) / 60 )) min"
  echo
  echo "- machine: $(nproc) x $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | sed -n 1p), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r), $("${JAVA:-java}" -version 2>&1 | sed -n 1p)"
  echo "- heap: Potok \`$potok_heap\` (the potok script's default); Kafka \`-Xms1g -Xmx1g\` + Kafka's G1 flags (its scripts' default)"
  echo "- records: $SIZE B, $PARTS partitions, linger.ms=$LINGER, batch.size 16384; produce tests $RECORDS records (cluster: $CRECORDS), steady state after 10% warm-up records; server warm-up $WARM records"
  echo "- latency test: producer-perf at $LAT_RATE records/s for $LAT_SECONDS s, acks=all, linger.ms=$LAT_LINGER (send->ack); e2e: EndToEndLatency, $E2E records one by one"
  echo "- rounds: $ROUNDS single-node (Potok, Kafka alternating, fresh brokers each), $CROUNDS cluster"
  echo "- values are 'round1 round2 ... (mean)'; the ratio is of the means (of the medians for start-up); MB/s is MiB/s as Kafka's tools print it"
  echo "- command: bench/compare.sh $ARGS"
  [[ ",$ONLY," == *,single,* ]] && summary os "Single node, durability: both leave flushing to the OS (no fsync per produce)"
  [[ $FLUSH == 1 ]] && summary fsync "Single node, durability: both fsync every append (log.flush.interval.messages=1)"
  [[ ",$ONLY," == *,cluster,* ]] && summary cluster "3-node cluster, RF 3, min.insync.replicas=2, acks=all (durability: flushing left to the OS)"
  [[ ",$ONLY," == *,startup,* && $STARTS -gt 0 ]] && summary startup "Cold start, single node, empty data dir: $STARTS starts per side, alternating; 'mean' column = median"
  echo
} | tee "$OUT/summary.md"
[[ $KEEP == 1 ]] && echo "raw logs and results.tsv: $OUT" >&2
exit 0
