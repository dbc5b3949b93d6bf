package dev.engram.backend.cpu;

import dev.engram.testing.Numerics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CpuGemm against a plain double-precision triple loop, for every kernel this JVM can run (the
 * scalar one always, the Vector API one when jdk.incubator.vector is present, as under surefire).
 * Matrices sit inside larger arrays at odd offsets, and the cells around C must stay untouched.
 */
class CpuGemmTest {
    private static final CpuThreads ONE = new CpuThreads(1);
    private static final CpuThreads TWO = new CpuThreads(2);
    /** Offsets of A, B and C inside their arrays, and the guard cells after each matrix. */
    private static final int OFF_A = 3;
    private static final int OFF_B = 5;
    private static final int OFF_C = 7;
    private static final int GUARD = 11;
    private static final float GUARD_VALUE = -12345f;

    @AfterAll
    static void closeThreads() {
        ONE.close();
        TWO.close();
    }

    static List<GemmKernel> kernels() {
        List<GemmKernel> kernels = new ArrayList<>();
        kernels.add(new ScalarGemmKernel());
        GemmKernel.vector().ifPresent(kernels::add);
        return kernels;
    }

    /** One GEMM problem: op(A) is m x k, op(B) is k x n; arrays hold the matrices at OFF_*. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           float[] a, float[] b, float[] c) {

        static Problem random(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, long seed) {
            float[] a = embed(Numerics.uniform(seed, m * k, -1, 1), OFF_A);
            float[] b = embed(Numerics.uniform(seed + 1, k * n, -1, 1), OFF_B);
            float[] c = embed(Numerics.uniform(seed + 2, m * n, -1, 1), OFF_C);
            return new Problem(transA, transB, m, n, k, alpha, beta, a, b, c);
        }

        double opA(int i, int p) {
            return transA ? a[OFF_A + p * m + i] : a[OFF_A + i * k + p];
        }

        double opB(int p, int j) {
            return transB ? b[OFF_B + j * k + p] : b[OFF_B + p * n + j];
        }

        /** alpha * op(A) op(B) + beta * C in double, from the C the problem was made with. */
        double[] reference() {
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += opA(i, p) * opB(p, j);
                    }
                    double old = beta == 0 ? 0 : beta * (double) c[OFF_C + i * n + j];
                    expected[i * n + j] = (alpha == 0 ? 0 : alpha * s) + old;
                }
            }
            return expected;
        }

        float[] run(CpuGemm gemm, boolean serial) {
            float[] out = c.clone();
            if (serial) {
                gemm.gemmSerial(transA, transB, m, n, k, alpha, a, OFF_A, b, OFF_B, beta, out, OFF_C);
            } else {
                gemm.gemm(transA, transB, m, n, k, alpha, a, OFF_A, b, OFF_B, beta, out, OFF_C);
            }
            assertGuardsIntact(out, OFF_C, m * n);
            return Arrays.copyOfRange(out, OFF_C, OFF_C + m * n);
        }

        void check(CpuGemm gemm, boolean serial) {
            String what = String.format("%s%s gemm %s%s m=%d n=%d k=%d alpha=%s beta=%s", gemm.kernel().name(),
                    serial ? " serial" : "", transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, beta);
            Numerics.assertClose(what, reference(), run(gemm, serial), tolerance(k));
        }
    }

    /** Float rounding in a k-term dot product grows like sqrt(k) on random data. */
    private static double tolerance(int k) {
        return 1e-6 * Math.sqrt(Math.max(k, 1));
    }

    /** values at offset `at`, preceded by `at` guard cells and followed by GUARD more. */
    private static float[] embed(double[] values, int at) {
        float[] array = new float[at + values.length + GUARD];
        Arrays.fill(array, GUARD_VALUE);
        for (int i = 0; i < values.length; i++) {
            array[at + i] = (float) values[i];
        }
        return array;
    }

    private static void assertGuardsIntact(float[] array, int at, int length) {
        for (int i = 0; i < array.length; i++) {
            if (i < at || i >= at + length) {
                assertEquals(GUARD_VALUE, array[i], "cell " + i + " outside C was written");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesReferenceForAllTransposesAndShapes(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {33, 65, 17}, {129, 257, 67}, {2, 131, 5}, {131, 2, 97}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Problem.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0f, seed++).check(gemm, false);
                Problem.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], -1.5f, 0.75f, seed++).check(gemm, true);
            }
        }
    }

    /** More than one block of rows (MC), columns (NC) and steps of k (KC): the blocking itself. */
    @ParameterizedTest
    @MethodSource("kernels")
    void crossesEveryBlockBoundary(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        Problem.random(false, false, 101, 2053, 1031, 0.5f, -2f, 10).check(gemm, false);
        Problem.random(true, true, 101, 2053, 520, 1f, 1f, 11).check(gemm, true);
        // More row tiles than column tiles: the threads share each packed B block, here two
        // blocks of columns and two of k.
        Problem.random(false, true, 600, 2060, 520, 1f, 0.5f, 12).check(gemm, false);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void emptySumScalesC(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        Problem.random(false, true, 9, 13, 0, 2f, 0.5f, 20).check(gemm, false);
        Problem.random(true, false, 9, 13, 0, 2f, 0.5f, 21).check(gemm, true);
        Problem zeroBeta = Problem.random(false, false, 9, 13, 0, 2f, 0f, 22);
        Arrays.fill(zeroBeta.c(), OFF_C, OFF_C + 9 * 13, Float.NaN);
        assertArrayEquals(new float[9 * 13], zeroBeta.run(gemm, false), "k = 0, beta = 0 must zero C");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void emptyMatricesLeaveEverythingUntouched(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        for (int[] s : new int[][] {{0, 5, 3}, {4, 0, 3}, {0, 0, 0}}) {
            Problem p = Problem.random(false, false, s[0], s[1], s[2], 1f, 0f, 25);
            assertEquals(0, p.run(gemm, false).length);
            assertEquals(0, p.run(gemm, true).length);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void zeroBetaOverwritesNaN(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        for (int[] s : new int[][] {{7, 5, 3}, {33, 65, 17}}) {
            Problem p = Problem.random(false, false, s[0], s[1], s[2], 1.25f, 0f, 30 + s[0]);
            float[] c = p.c();
            Arrays.fill(c, OFF_C, OFF_C + s[0] * s[1], Float.NaN);
            Numerics.assertClose("beta = 0 over NaN", p.reference(), p.run(gemm, false), tolerance(s[2]));
        }
    }

    /** As in BLAS, alpha = 0 skips the product: non-finite A or B does not reach C. */
    @ParameterizedTest
    @MethodSource("kernels")
    void zeroAlphaOnlyScalesC(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        Problem p = Problem.random(false, false, 6, 18, 4, 0f, -0.5f, 40);
        p.a()[OFF_A + 2] = Float.POSITIVE_INFINITY;
        p.b()[OFF_B + 5] = Float.NaN;
        float[] expected = new float[6 * 18];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = -0.5f * p.c()[OFF_C + i];
        }
        assertArrayEquals(expected, p.run(gemm, false));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void stridedBatchedMatchesEachItem(GemmKernel kernel) {
        CpuGemm gemm = new CpuGemm(TWO, kernel);
        // Small items run one per thread; items of 2 * 160^3 flops and up use all threads each.
        for (int size : new int[] {13, 160}) {
            int m = size;
            int n = size + 3;
            int k = size - 2;
            int batch = 3;
            // Strides leave gaps between the items, which must stay untouched; A is shared (stride 0).
            int strideB = k * n + 4;
            int strideC = m * n + 6;
            Problem[] items = new Problem[batch];
            float[] b = new float[OFF_B + batch * strideB];
            float[] c = new float[OFF_C + batch * strideC];
            Arrays.fill(b, GUARD_VALUE);
            Arrays.fill(c, GUARD_VALUE);
            Problem shared = Problem.random(true, false, m, n, k, 0.5f, 2f, 50);
            for (int i = 0; i < batch; i++) {
                items[i] = Problem.random(true, false, m, n, k, 0.5f, 2f, 51 + i);
                System.arraycopy(items[i].b(), OFF_B, b, OFF_B + i * strideB, k * n);
                System.arraycopy(items[i].c(), OFF_C, c, OFF_C + i * strideC, m * n);
            }
            gemm.gemmStridedBatched(true, false, m, n, k, 0.5f, shared.a(), OFF_A, 0, b, OFF_B, strideB,
                    2f, c, OFF_C, strideC, batch);
            for (int i = 0; i < batch; i++) {
                Problem expected = new Problem(true, false, m, n, k, 0.5f, 2f, shared.a(), items[i].b(), items[i].c());
                int at = OFF_C + i * strideC;
                Numerics.assertClose("batch item " + i + " of " + size, expected.reference(),
                        Arrays.copyOfRange(c, at, at + m * n), tolerance(k));
                for (int g = at + m * n; g < Math.min(c.length, at + strideC); g++) {
                    assertEquals(GUARD_VALUE, c[g], "gap cell " + g + " after batch item " + i + " was written");
                }
            }
        }
    }

    /**
     * Threads split rows (sharing each packed B block) when C has more row tiles, columns
     * otherwise; neither may change a bit.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void sameBitsForAnyThreadCount(GemmKernel kernel) {
        CpuGemm serial = new CpuGemm(ONE, kernel);
        CpuGemm threaded = new CpuGemm(TWO, kernel);
        int[][] shapes = {{203, 97, 530}, {9, 517, 300}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Problem p = Problem.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.75f, 0.25f, 60 + t);
                float[] one = p.run(serial, false);
                assertArrayEquals(one, p.run(threaded, false), "1 vs 2 threads, shape " + Arrays.toString(s));
                assertArrayEquals(one, p.run(threaded, true), "threaded vs gemmSerial, shape " + Arrays.toString(s));
            }
        }
    }

    @Test
    void vectorKernelsAreChosenWhenTheModuleIsPresentUnlessDisabled() {
        assumeTrue(ModuleLayer.boot().findModule(VectorApi.MODULE).isPresent(),
                "run with --add-modules jdk.incubator.vector (surefire does)");
        String before = System.getProperty(VectorApi.PROPERTY);
        try {
            System.clearProperty(VectorApi.PROPERTY);
            assertInstanceOf(VectorGemmKernel.class, GemmKernel.preferred());
            assertInstanceOf(VectorDirectConvKernel.class, DirectConvKernel.vector().orElseThrow());
            assertInstanceOf(VectorPointwiseKernel.class, PointwiseKernel.preferred());
            System.setProperty(VectorApi.PROPERTY, "false");
            assertInstanceOf(ScalarGemmKernel.class, GemmKernel.preferred());
            assertInstanceOf(ScalarGemmKernel.class, new CpuGemm(ONE).kernel());
            assertTrue(DirectConvKernel.vector().isEmpty(), "convolutions fall back to im2col and GEMM");
            assertInstanceOf(ScalarPointwiseKernel.class, PointwiseKernel.preferred());
        } finally {
            if (before == null) {
                System.clearProperty(VectorApi.PROPERTY);
            } else {
                System.setProperty(VectorApi.PROPERTY, before);
            }
        }
    }
}
