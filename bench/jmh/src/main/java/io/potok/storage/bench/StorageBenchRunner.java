package io.potok.storage.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.FileOutputStream;
import java.io.PrintStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the Potok-vs-raw comparison of {@link StorageVsRawBenchmark} and prints MB/s, the Potok/raw ratios and the
 * targets, then a short {@code -prof gc} run of {@code appendLog} with 1- and 16-record batches showing that the bytes
 * allocated per append do not grow with the number of records.
 *
 * <p>The machine this runs on is shared, so the comparison is repeated in {@code --rounds} rounds; each round is one
 * JMH run of all four benchmarks with identical settings (1 fork each, same warm-up and measurement), so a Potok
 * benchmark and its raw baseline are always measured within a minute of each other. A round's ratio is the median
 * Potok iteration over the median raw iteration of that round; the table's ratio (and the verdict) is the median of the
 * round ratios, and its MB/s columns are medians over all iterations of all rounds. It also reports the same ratio
 * computed on bytes per CPU-second of the benchmark thread, which is insensitive to the thread being descheduled by
 * other load (but not to background threads, cache or memory-bandwidth contention).
 *
 * <p>Usage: {@code java -Dpotok.bench.dir=/tmp/x -cp target/benchmarks.jar io.potok.storage.bench.StorageBenchRunner
 * [--rounds N] [--warmup N] [--warmup-time SECONDS] [--iterations N] [--time SECONDS] [--no-gc] [--log FILE]}; with {@code --log} the
 * full JMH output goes to FILE and only progress and the summary are printed.
 */
public final class StorageBenchRunner {

    private static final String BENCH = StorageVsRawBenchmark.class.getName();
    private static final double APPEND_TARGET = 0.80;
    private static final double READ_TARGET = 0.90;

    /** Per-benchmark measurements: per-iteration bytes/s, and per round the median and the bytes per CPU-second. */
    private static final class Series {
        final List<Double> iterations = new ArrayList<>();
        final List<Double> roundMedians = new ArrayList<>();
        final List<Double> roundBytesPerCpuSecond = new ArrayList<>();
        final List<Double> roundCpuShare = new ArrayList<>();
    }

    private StorageBenchRunner() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        int warmup = 2;
        int warmupTime = 1;
        int iterations = 3;
        int time = 2;
        boolean gc = true;
        String logFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--warmup-time" -> warmupTime = Integer.parseInt(args[++i]);
                case "--time" -> time = Integer.parseInt(args[++i]);
                case "--no-gc" -> gc = false;
                case "--log" -> logFile = args[++i];
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        String dir = System.getProperty("potok.bench.dir", "/tmp/potok-storage-bench");
        String[] jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Dpotok.bench.dir=" + dir};

        Options comparison = new OptionsBuilder()
            .include(BENCH + "\\.(appendLog|appendRaw|readLog|readLogSlice|readRaw)$")
            .param("recordsPerBatch", "16")
            .param("recordBytes", "1024")
            .forks(1)
            .warmupIterations(warmup).warmupTime(TimeValue.seconds(warmupTime))
            .measurementIterations(iterations).measurementTime(TimeValue.seconds(time))
            .jvmArgsAppend(jvmArgs)
            .build();
        PrintStream jmhOut = logFile == null ? System.out : new PrintStream(new FileOutputStream(logFile, true), true);
        OutputFormat format = OutputFormatFactory.createFormatInstance(jmhOut, VerboseMode.NORMAL);
        Map<String, Series> series = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
            List<String> progress = new ArrayList<>();
            for (RunResult run : new Runner(comparison, format).run()) {
                String name = run.getParams().getBenchmark();
                Series s = series.computeIfAbsent(name.substring(name.lastIndexOf('.') + 1), k -> new Series());
                List<Double> roundValues = new ArrayList<>();
                double bytesSum = 0;
                double cpuSum = 0;
                for (BenchmarkResult fork : run.getBenchmarkResults()) {
                    for (IterationResult it : fork.getIterationResults()) {
                        double bytesPerSecond = it.getSecondaryResults().get("bytes").getScore();
                        roundValues.add(bytesPerSecond);
                        bytesSum += bytesPerSecond;
                        cpuSum += it.getSecondaryResults().get("cpuNanos").getScore();
                    }
                }
                s.iterations.addAll(roundValues);
                s.roundMedians.add(median(roundValues));
                s.roundBytesPerCpuSecond.add(bytesSum / (cpuSum / 1e9));
                s.roundCpuShare.add(cpuSum / 1e9 / roundValues.size());
                progress.add(String.format(Locale.ROOT, "%s %.0f MB/s (thread on CPU %.0f%%)",
                    name.substring(name.lastIndexOf('.') + 1), median(roundValues) / 1e6,
                    100 * cpuSum / 1e9 / roundValues.size()));
            }
            System.out.println("round " + round + "/" + rounds + ": " + String.join(", ", progress));
        }

        Map<String, Double> allocPerOp = new HashMap<>();
        if (gc) {
            Options gcRun = new OptionsBuilder()
                .include(BENCH + "\\.appendLog$")
                .param("recordsPerBatch", "1", "16")
                .param("recordBytes", "1024")
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(jvmArgs)
                .addProfiler(GCProfiler.class)
                .build();
            for (RunResult r : new Runner(gcRun, format).run()) {
                Result norm = r.getAggregatedResult().getSecondaryResults().get("gc.alloc.rate.norm");
                allocPerOp.put(r.getParams().getParam("recordsPerBatch"), norm == null ? Double.NaN : norm.getScore());
            }
        }

        jmhOut.flush();
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "Potok storage vs raw FileChannel, no fsync. MB = 10^6 bytes; MB/s ="
            + " median of %d x %d s iterations (%d rounds x 1 fork); ratio = median of the per-round ratios (%%)",
            rounds * iterations, time, rounds));
        System.out.println(String.format(Locale.ROOT, "%-36s %10s %9s %7s  %-20s %7s %5s  %s",
            "workload", "Potok MB/s", "raw MB/s", "ratio", "per-round ratios", "target", "met?", "ratio/CPU-s"));
        row("append (16 x 1 KiB records/batch)", series.get("appendLog"), series.get("appendRaw"), APPEND_TARGET);
        row("sequential read, fetch path", series.get("readLogSlice"), series.get("readRaw"), READ_TARGET);
        // Log.read copies into a new buffer per call (its callers keep the bytes); only tools and tests use it.
        row("sequential read, Log.read copy", series.get("readLog"), series.get("readRaw"), Double.NaN);
        List<Double> cpuShares = new ArrayList<>();
        series.values().forEach(x -> cpuShares.addAll(x.roundCpuShare));
        double minShare = cpuShares.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        System.out.println(String.format(Locale.ROOT, "benchmark threads were on CPU %.0f%% of the time (median of"
            + " benchmark-rounds; lowest %.0f%%)%s", 100 * median(cpuShares), 100 * minShare, minShare < 0.9
            ? ": OTHER LOAD took CPU from the benchmarks, so the wall-clock ratios are unreliable; ratio/CPU-s is not"
            + " affected by descheduling" : ""));
        if (gc) {
            double one = allocPerOp.getOrDefault("1", Double.NaN);
            double sixteen = allocPerOp.getOrDefault("16", Double.NaN);
            System.out.println(String.format(Locale.ROOT,
                "gc.alloc.rate.norm of appendLog: %.0f B/op with 1 record/batch, %.0f B/op with 16 records/batch"
                    + " (%+.0f B for 15 more records: %s)",
                one, sixteen, sixteen - one,
                Math.abs(sixteen - one) < 15 * 16 ? "no per-record allocation" : "GROWS WITH RECORDS"));
        }
    }

    private static void row(String workload, Series potok, Series raw, double target) {
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        StringBuilder perRound = new StringBuilder();
        for (int i = 0; i < potok.roundMedians.size(); i++) {
            double ratio = potok.roundMedians.get(i) / raw.roundMedians.get(i);
            ratios.add(ratio);
            cpuRatios.add(potok.roundBytesPerCpuSecond.get(i) / raw.roundBytesPerCpuSecond.get(i));
            perRound.append(i == 0 ? "" : " ").append(Math.round(100 * ratio));
        }
        double ratio = median(ratios);
        System.out.println(String.format(Locale.ROOT, "%-36s %10.0f %9.0f %6.1f%%  %-20s %7s %5s  %6.1f%%",
            workload, median(potok.iterations) / 1e6, median(raw.iterations) / 1e6, 100 * ratio, perRound,
            Double.isNaN(target) ? "-" : ">=" + Math.round(100 * target) + "%",
            Double.isNaN(target) ? "-" : ratio >= target ? "yes" : "NO", 100 * median(cpuRatios)));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
