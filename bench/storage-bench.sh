#!/usr/bin/env bash
# Potok storage engine vs raw FileChannel on this machine (issue 3, "Performance"); about 4 minutes.
#
#   bench/storage-bench.sh [runner options]      e.g. --rounds 5, --iterations 6, --no-gc
#
# Builds bench/jmh (standalone; compiles potok-storage/src/main/java directly) and runs
# io.potok.storage.bench.StorageBenchRunner, which runs StorageVsRawBenchmark:
#   append: Log.appendAsLeader of pre-built 16 x 1 KiB uncompressed v2 batches vs FileChannel.write of the same bytes,
#           both rolling files at 256 MiB and keeping ~1 GiB;
#   read:   the fetch path (Log.readSlice, its bytes read into a reused 1 MiB buffer) and the copying Log.read, 1 MiB
#           per call front to back over a 1 GiB log, vs FileChannel.read of the same segment files into a reused
#           1 MiB heap buffer.
# No fsync on either side (Potok's background fsync-on-roll is disabled for the benchmark). Then a -prof gc run of the
# append with 1 and 16 records per batch. Prints a summary table; the full JMH output is kept in
# bench/jmh/target/storage-bench-<time>.log. Benchmark files go to $POTOK_BENCH_DIR (default /tmp/potok-storage-bench.<pid>)
# and are deleted at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jmh="$here/jmh"
bench_dir="${POTOK_BENCH_DIR:-/tmp/potok-storage-bench.$$}"
log="$jmh/target/storage-bench-$(date -u +%Y%m%dT%H%M%SZ).log"

cleanup() { rm -rf "$bench_dir"; }
trap cleanup EXIT

echo "== build"
# Offline first (the usual case on a development machine with a warm ~/.m2), then online.
(cd "$jmh" && { mvn -B -q -o package 2>/dev/null || mvn -B -q package; })
mkdir -p "$bench_dir"

echo "== machine"
echo "cpus:   $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "disk:   $(df -hP "$bench_dir" | awk 'NR==2 {print $1 " (" $2 ", " $4 " free) mounted on " $6}')"
echo "jdk:    $(java -version 2>&1 | sed -n 1p)"
echo "load before: $(uptime)"

echo "== run (JMH output: $log)"
java -Dpotok.bench.dir="$bench_dir" -cp "$jmh/target/benchmarks.jar" \
    io.potok.storage.bench.StorageBenchRunner --log "$log" "$@"

echo "load after:  $(uptime)"
