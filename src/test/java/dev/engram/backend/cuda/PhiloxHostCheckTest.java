package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import dev.engram.backend.Philox;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The random kernels' values, checked without a GPU: kernels/host/philox_check.cu runs the
 * __host__ __device__ functions of kernels/philox.cuh (the ones random.cu calls) on the host, in
 * the kernels' element mapping, and its output is compared with the Java generator and the CPU
 * backend. Skips where nvcc is absent.
 */
class PhiloxHostCheckTest {
    private static final Backend CPU = TestBackends.cpu();
    /** Seeds and counters across the word boundaries, where a lost carry or sign would show. */
    private static final long[] SEEDS = {0, 1, 42, 0xFFFFFFFFL, 0x100000000L, -1, 0x299f31d0a4093822L, Long.MIN_VALUE};
    private static final long[] COUNTERS = {0, 1, 7, 0xFFFFFFFFL, 0x100000000L, 0x85a308d3243f6a88L, -1};

    @TempDir
    static Path temp;
    private static HostChecker checker;

    @BeforeAll
    static void compileTheChecker() throws Exception {
        checker = HostChecker.compile("philox_check.cu", temp);
    }

    @Test
    void blocksEqualTheJavaGeneratorBitForBit() throws Exception {
        StringBuilder requests = new StringBuilder();
        List<int[]> expected = new ArrayList<>();
        for (long seed : SEEDS) {
            for (long counter : COUNTERS) {
                requests.append("block ").append(Long.toUnsignedString(seed)).append(' ')
                        .append(Long.toUnsignedString(counter)).append('\n');
                int[] bits = new int[4];
                Philox.block(seed, counter, bits);
                expected.add(bits);
            }
        }
        List<int[]> lines = hexLines(requests.toString());
        assertEquals(expected.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(java.util.Arrays.toString(expected.get(i)), java.util.Arrays.toString(lines.get(i)),
                    "block " + i);
        }
        // Random123's known answer for counter 0, key 0.
        assertEquals(0x6627e8d5, lines.get(0)[0]);
    }

    @Test
    void uniformFillsEqualTheCpuBackendBitForBit() throws Exception {
        for (long seed : SEEDS) {
            for (long offset : new long[] {0, 5, 0xFFFFFFFEL, -3}) {
                int n = 4 * 37 + 3; // a partial last block
                float[] cpu = cpuFill(n, t -> CPU.randomUniform(t, seed, offset, -1.5f, 2.25f));
                int[] host = hexLines("uniform " + Long.toUnsignedString(seed) + " " + Long.toUnsignedString(offset)
                        + " " + n + " " + hex(-1.5f) + " " + hex(2.25f) + "\n").get(0);
                assertBitsEqual(cpu, host, "uniform seed " + seed + " offset " + offset);
            }
        }
    }

    @Test
    void dropoutMasksEqualTheCpuBackendBitForBit() throws Exception {
        for (float p : new float[] {0f, 0.3f, 0.5f, 0.999f}) {
            int n = 1001;
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            float[] cpu;
            try (Tensor x = CPU.fromHost(ones, Shape.of(n)); Tensor y = CPU.allocate(Shape.of(n))) {
                CPU.dropoutForward(x, y, p, 99, 12);
                cpu = y.toFloatArray();
            }
            int[] host = hexLines("dropout 99 12 " + n + " " + hex(p) + "\n").get(0);
            assertBitsEqual(cpu, host, "dropout p " + p);
        }
    }

    @Test
    void saltAndPepperNoiseEqualsTheCpuBackendBitForBit() throws Exception {
        for (float fraction : new float[] {0f, 0.1f, 0.5f, 1f}) {
            for (long offset : new long[] {0, 0xFFFFFFFEL}) {
                int n = 1003;
                float[] halves = new float[n];
                java.util.Arrays.fill(halves, 0.5f);
                float[] cpu;
                try (Tensor x = CPU.fromHost(halves, Shape.of(n)); Tensor y = CPU.allocate(Shape.of(n))) {
                    CPU.saltAndPepper(x, y, fraction, -5, offset);
                    cpu = y.toFloatArray();
                }
                int[] host = hexLines("saltpepper " + Long.toUnsignedString(-5) + " " + offset + " " + n + " "
                        + hex(fraction) + "\n").get(0);
                assertBitsEqual(cpu, host, "salt and pepper fraction " + fraction + " offset " + offset);
            }
        }
    }

    /**
     * Normals go through log, sqrt, cos and sin in double on both sides; the host's libm (like
     * CUDA's) may round one of them differently from java.lang.Math, which can move the float
     * result by one ulp. That is the promise: at most 1 ulp, almost always identical.
     */
    @Test
    void normalFillsAgreeWithTheCpuBackendToOneUlp() throws Exception {
        int n = 4003;
        int identical = 0;
        for (long seed : new long[] {3, -7}) {
            float[] cpu = cpuFill(n, t -> CPU.randomNormal(t, seed, 11, 0.5f, 2f));
            int[] host = hexLines("normal " + Long.toUnsignedString(seed) + " 11 " + n + " " + hex(0.5f) + " "
                    + hex(2f) + "\n").get(0);
            assertEquals(n, host.length);
            for (int i = 0; i < n; i++) {
                float h = Float.intBitsToFloat(host[i]);
                assertTrue(Math.abs(h - cpu[i]) <= Math.ulp(cpu[i]), "normal " + i + ": host " + h + ", cpu " + cpu[i]);
                identical += h == cpu[i] ? 1 : 0;
            }
        }
        assertTrue(identical >= 2 * n * 99 / 100, identical + " of " + 2 * n + " normals identical");
    }

    private static float[] cpuFill(int n, java.util.function.Consumer<Tensor> fill) {
        try (Tensor t = CPU.allocate(Shape.of(n))) {
            fill.accept(t);
            return t.toFloatArray();
        }
    }

    private static void assertBitsEqual(float[] expected, int[] actualBits, String what) {
        assertEquals(expected.length, actualBits.length, what + ": count");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), actualBits[i],
                    what + ": element " + i + " cpu " + expected[i] + ", host " + Float.intBitsToFloat(actualBits[i]));
        }
    }

    private static String hex(float f) {
        return HostChecker.hex(f);
    }

    /** Runs the checker on the requests; one line of hex words per request. */
    private static List<int[]> hexLines(String requests) throws Exception {
        return checker.run(requests).stream().map(HostChecker::words).toList();
    }
}
