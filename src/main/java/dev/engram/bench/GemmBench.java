package dev.engram.bench;

import dev.engram.backend.Backend;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * SGEMM throughput of the CPU backend: square NN products on all threads and on one, the
 * per-image convolution shapes of conv-ae on one thread (a one-thread backend runs the blocked
 * algorithm on the calling thread, as gemmSerial does for CpuConvolution), and the same with the
 * scalar kernel (engram.cpu.vector=false). Each figure is the median of several timed samples
 * after a warm-up; min and max show the spread (a shared machine widens it).
 *
 * <p>Run: mvn -q -o package -DskipTests &amp;&amp; java --add-modules jdk.incubator.vector -cp target/classes
 * dev.engram.bench.GemmBench
 */
public final class GemmBench {
    private static final int SAMPLES = 7;
    /** At least 3 untimed calls and a second, then SAMPLES stretches of 0.25 s. */
    private static final CallTimer TIMER = new CallTimer(3, 1000, SAMPLES, 250);
    /** AVX2 + FMA: two 8-wide FMA units per core, 2 x 8 x 2 flops per cycle. */
    private static final int FLOPS_PER_CYCLE = 32;
    private static final List<int[]> SQUARE = List.of(new int[] {512, 512, 512}, new int[] {1024, 1024, 1024},
            new int[] {2048, 2048, 2048});
    /** m, n, k of conv-ae's convolutions per image (out channels, output pixels, in channels x 3 x 3). */
    private static final List<int[]> CONV = List.of(new int[] {64, 64, 288}, new int[] {32, 256, 27},
            new int[] {128, 16, 576});

    private GemmBench() {
    }

    public static void main(String[] args) {
        int cores = Runtime.getRuntime().availableProcessors();
        Optional<Double> mhz = Machine.cpuMhz();
        System.out.printf("machine: %s, %d cores, clock %s%n", Machine.cpuModel(), cores,
                mhz.map(f -> String.format("%.0f MHz", f)).orElse("unknown"));
        double peak = mhz.map(f -> cores * FLOPS_PER_CYCLE * f / 1e3).orElse(Double.NaN);
        System.out.printf("theoretical peak: %s (cores x %d flop/cycle x clock; the clock is the nominal one,"
                        + " boost can take a core past it)%n",
                Double.isNaN(peak) ? "unknown" : String.format("%.1f GFLOP/s", peak), FLOPS_PER_CYCLE);
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.printf("%-8s %-8s %5s %5s %5s %9s %9s %9s %6s%n",
                "kernel", "threads", "m", "n", "k", "median", "min", "max", "%peak");
        if (vector) {
            run("vector", cores, peak, true);
        } else {
            System.out.println("(no vector kernel: start java with --add-modules jdk.incubator.vector)");
        }
        System.setProperty("engram.cpu.vector", "false");
        run("scalar", cores, peak, false);
    }

    private static void run(String kernel, int cores, double peak, boolean full) {
        try (CpuBackend all = new CpuBackend(cores); CpuBackend one = new CpuBackend(1)) {
            for (int[] s : SQUARE) {
                report(kernel, all, s, peak);
            }
            if (full) {
                for (int[] s : SQUARE.subList(0, 2)) {
                    report(kernel, one, s, peak / cores);
                }
            }
            for (int[] s : CONV) {
                report(kernel, one, s, peak / cores);
            }
        }
    }

    private static void report(String kernel, CpuBackend backend, int[] size, double peak) {
        int m = size[0];
        int n = size[1];
        int k = size[2];
        Timings ms = measure(backend, m, n, k);
        double flops = 2.0 * m * n * k;
        double median = flops / ms.medianMs() / 1e6;
        System.out.printf("%-8s %-8d %5d %5d %5d %9.1f %9.1f %9.1f %5.0f%%%n", kernel, backend.threadCount(), m, n, k,
                median, flops / ms.maxMs() / 1e6, flops / ms.minMs() / 1e6, 100 * median / peak);
    }

    /** Milliseconds per m x n x k GEMM. */
    private static Timings measure(Backend backend, int m, int n, int k) {
        SplittableRandom r = new SplittableRandom(42);
        try (Tensor a = backend.fromHost(random(r, m * k), Shape.of(m, k));
             Tensor b = backend.fromHost(random(r, k * n), Shape.of(k, n));
             Tensor c = backend.allocate(m, n)) {
            return TIMER.time(backend, () -> backend.gemm(false, false, m, n, k, 1f, a, b, 0f, c));
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
