package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.backend.Philox;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The salt-and-pepper and KL-sparsity ops of the CPU backend against independent float64 references. */
class NoiseAndSparsityOpsTest {
    /** Several parallel chunks of Philox blocks, and a length that is not a multiple of 4. */
    private static final int N = 3 * 4096 + 7;

    private final Backend cpu = TestBackends.cpu();

    /** Element i: u = the Philox uniform of lane i % 4 at counter offset + i / 4. */
    static double[] saltAndPepperReference(double[] x, double fraction, long seed, long offset) {
        double[] y = new double[x.length];
        int[] bits = new int[4];
        for (int i = 0; i < x.length; i++) {
            Philox.block(seed, offset + i / 4, bits);
            double u = Philox.uniform(bits[i % 4]);
            y[i] = u < fraction / 2 ? 0 : u >= 1 - fraction / 2 ? 1 : x[i];
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.3f, 1f})
    void saltAndPepperMatchesThePhiloxReferenceAtAnOffset(float fraction) {
        double[] x = Numerics.uniform(1, N, 0.01, 0.99);
        long seed = 0x1234_5678_9ABCL;
        long offset = 77;
        try (Tensor buf = cpu.allocate(2 * N + 10)) {
            Tensor xt = buf.slice(3, 3 + N);
            Tensor yt = buf.slice(N + 5, 2 * N + 5);
            cpu.copyFromHost(Numerics.toFloat(x), 0, xt);
            cpu.saltAndPepper(xt, yt, fraction, seed, offset);
            double[] expected = saltAndPepperReference(x, fraction, seed, offset);
            Numerics.assertClose("salt and pepper " + fraction, expected, yt.toFloatArray(), 0);
            int corrupted = 0;
            for (int i = 0; i < N; i++) {
                corrupted += expected[i] != x[i] ? 1 : 0;
            }
            assertEquals(fraction, corrupted / (double) N, 0.02, "share of corrupted pixels");
        }
    }

    @Test
    void saltAndPepperRefusesABadFractionOrShapeWithoutAllocating() {
        try (Tensor x = cpu.zeros(Shape.of(2, 3)); Tensor y = cpu.zeros(Shape.of(3, 2))) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> cpu.saltAndPepper(x, x, 1.5f, 0, 0)).getMessage();
            assertTrue(m.contains("saltAndPepper") && m.contains("1.5"), m);
            m = assertThrows(IllegalArgumentException.class, () -> cpu.saltAndPepper(x, y, 0.1f, 0, 0)).getMessage();
            assertTrue(m.contains("[2, 3]") && m.contains("[3, 2]"), m);
            assertEquals(before, cpu.liveBytes());
        }
    }

    /** sum_j KL(rho || mean_n code[n, j]) in double, without the clamp (inputs stay well inside (0, 1)). */
    static double klSparsityReference(double[] code, int rows, double rho) {
        int units = code.length / rows;
        double sum = 0;
        for (int j = 0; j < units; j++) {
            double mean = 0;
            for (int n = 0; n < rows; n++) {
                mean += code[n * units + j];
            }
            mean /= rows;
            sum += rho * Math.log(rho / mean) + (1 - rho) * Math.log((1 - rho) / (1 - mean));
        }
        return sum;
    }

    @Test
    void klSparsityForwardAndBackwardMatchTheReference() {
        int rows = 5;
        Shape shape = Shape.of(rows, 3, 2, 3);
        int n = (int) shape.numel();
        double[] code = Numerics.uniform(3, n, 0.05, 0.95);
        double[] prior = Numerics.uniform(4, n, -1, 1);
        float rho = 0.1f;
        float scale = 2.5f;
        double[] grad = GradCheck.numericGradient(v -> scale * klSparsityReference(v, rows, rho), code.clone());
        try (Tensor c = cpu.fromHost(Numerics.toFloat(code), shape); Tensor out = cpu.allocate(Shape.of());
             Tensor d = cpu.fromHost(Numerics.toFloat(prior), shape)) {
            cpu.klSparsityForward(c, rho, scale, out);
            Numerics.assertClose("KL sparsity", new double[] {scale * klSparsityReference(code, rows, rho)},
                    out.toFloatArray(), 1e-6);
            cpu.klSparsityBackward(c, rho, scale, d);
            double[] expected = prior.clone();
            for (int i = 0; i < n; i++) {
                expected[i] += grad[i];
            }
            Numerics.assertClose("dcode = prior + d penalty", expected, d.toFloatArray(), 1e-5, 1e-7);
        }
    }

    @Test
    void klSparsityDoesNotDependOnTheThreadCount() {
        int rows = 37;
        int units = 3001;
        float[] code = Numerics.toFloat(Numerics.uniform(5, rows * units, 0.01, 0.99));
        float[][] results = new float[2][];
        int[] threadCounts = {1, 3};
        for (int k = 0; k < 2; k++) {
            try (CpuBackend b = new CpuBackend(threadCounts[k]); Tensor c = b.fromHost(code, Shape.of(rows, units));
                 Tensor out = b.allocate(Shape.of()); Tensor d = b.zeros(Shape.of(rows, units))) {
                b.klSparsityForward(c, 0.05f, 1f, out);
                b.klSparsityBackward(c, 0.05f, 1f, d);
                float[] dv = d.toFloatArray();
                results[k] = java.util.Arrays.copyOf(dv, dv.length + 1);
                results[k][dv.length] = out.toFloatArray()[0];
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void klSparsityStaysFiniteForASaturatedUnit() {
        try (Tensor c = cpu.fromHost(new float[] {0, 1, 0, 1}, Shape.of(2, 2)); Tensor out = cpu.allocate(Shape.of());
             Tensor d = cpu.zeros(Shape.of(2, 2))) {
            cpu.klSparsityForward(c, 0.05f, 1f, out);
            cpu.klSparsityBackward(c, 0.05f, 1f, d);
            double floor = CpuSparsity.MEAN_FLOOR;
            double expected = 0.05 * Math.log(0.05 / floor) + 0.95 * Math.log(0.95 / (1 - floor))
                    + 0.05 * Math.log(0.05 / (1 - floor)) + 0.95 * Math.log(0.95 / floor);
            Numerics.assertClose("clamped penalty", new double[] {expected}, out.toFloatArray(), 1e-6);
            for (float v : d.toFloatArray()) {
                assertTrue(Float.isFinite(v), "gradient " + v);
            }
            float[] g = d.toFloatArray();
            assertTrue(g[0] < 0 && g[1] > 0, "the gradient pushes both units back into (0, 1)");
        }
    }

    @Test
    void klSparsityRefusesBadArgumentsWithoutAllocating() {
        try (Tensor c = cpu.zeros(Shape.of(4, 3)); Tensor flat = cpu.zeros(Shape.of(12)); Tensor out = cpu.allocate(Shape.of());
             Tensor wrong = cpu.zeros(Shape.of(3, 4))) {
            long before = cpu.liveBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> cpu.klSparsityForward(c, 1f, 1f, out)).getMessage();
            assertTrue(m.contains("klSparsityForward") && m.contains("rho") && m.contains("(0, 1)"), m);
            m = assertThrows(IllegalArgumentException.class, () -> cpu.klSparsityForward(flat, 0.1f, 1f, out)).getMessage();
            assertTrue(m.contains("[12]") && m.contains("[N, units...]"), m);
            m = assertThrows(IllegalArgumentException.class, () -> cpu.klSparsityBackward(c, 0.1f, 1f, wrong)).getMessage();
            assertTrue(m.contains("[4, 3]") && m.contains("[3, 4]"), m);
            m = assertThrows(IllegalArgumentException.class, () -> cpu.klSparsityForward(c, 0.1f, Float.NaN, out)).getMessage();
            assertTrue(m.contains("scale"), m);
            assertEquals(before, cpu.liveBytes());
        }
    }
}
