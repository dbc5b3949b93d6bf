package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePooling;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuPoolingTest {
    private static final CpuBackend ONE_THREAD = new CpuBackend(1);
    private final Backend cpu = TestBackends.cpu();

    /** {kernel, stride, padding}: non-overlapping, overlapping with padding, stride 1, a window of the whole padded input. */
    private static final int[][] WINDOWS = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {7, 1, 1}};
    private static final int N = 3;
    private static final int C = 2;
    private static final int H = 5;
    private static final int W = 7;

    @AfterAll
    static void closeBackend() {
        ONE_THREAD.close();
    }

    @Test
    void maxPoolMatchesTheReferenceBothWays() {
        long seed = 1;
        for (int[] k : WINDOWS) {
            PoolGeometry g = PoolGeometry.of(Shape.of(N, C, H, W), k[0], k[1], k[2]);
            double[] x = Numerics.uniform(seed++, N * C * H * W, -1, 1);
            double[] dy = Numerics.uniform(seed++, (int) g.outputShape().numel(), -1, 1);
            try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), g.inputShape()); Tensor y = cpu.allocate(g.outputShape());
                 Tensor dyt = cpu.fromHost(Numerics.toFloat(dy), g.outputShape()); Tensor dx = cpu.allocate(g.inputShape())) {
                cpu.maxPool2dForward(g, xt, y);
                Numerics.assertClose("max forward " + g, ReferencePooling.maxPool(x, N * C, H, W, k[0], k[1], k[2]),
                        y.toFloatArray(), 0);
                cpu.fill(dx, Float.NaN);
                cpu.maxPool2dBackward(g, xt, y, dyt, dx);
                Numerics.assertClose("max backward " + g,
                        ReferencePooling.maxPoolBackward(x, dy, N * C, H, W, k[0], k[1], k[2]), dx.toFloatArray(), 1e-6);
            }
        }
    }

    @Test
    void maxPoolRoutesTiesToTheFirstMaximumAndAddsOverlaps() {
        // Windows (k2 s2) of [[1 3 3 0] [3 2 1 3]]: {1 3 / 3 2} has its first 3 at (0, 1), {3 0 / 1 3} at (0, 2).
        PoolGeometry g = PoolGeometry.of(Shape.of(1, 1, 2, 4), 2, 2, 0);
        try (Tensor x = cpu.fromHost(new float[] {1, 3, 3, 0, 3, 2, 1, 3}, g.inputShape());
             Tensor y = cpu.allocate(g.outputShape()); Tensor dy = cpu.fromHost(new float[] {10, 20}, g.outputShape());
             Tensor dx = cpu.allocate(g.inputShape())) {
            cpu.maxPool2dForward(g, x, y);
            assertArrayEquals(new float[] {3, 3}, y.toFloatArray());
            cpu.maxPool2dBackward(g, x, y, dy, dx);
            assertArrayEquals(new float[] {0, 10, 20, 0, 0, 0, 0, 0}, dx.toFloatArray());
        }
        // A 1x2 window at stride 1 over [1 5 2]: both windows pick the 5, whose gradient is the sum.
        PoolGeometry wide = new PoolGeometry(1, 1, 1, 3, 1, 2, 1, 1, 0, 0);
        try (Tensor x = cpu.fromHost(new float[] {1, 5, 2}, wide.inputShape());
             Tensor y = cpu.allocate(wide.outputShape()); Tensor dy = cpu.fromHost(new float[] {1, 2}, wide.outputShape());
             Tensor dx = cpu.allocate(wide.inputShape())) {
            cpu.maxPool2dForward(wide, x, y);
            cpu.maxPool2dBackward(wide, x, y, dy, dx);
            assertArrayEquals(new float[] {0, 3, 0}, dx.toFloatArray());
        }
    }

    @Test
    void maxPoolPaddingNeverWinsAndNaNPropagates() {
        PoolGeometry g = PoolGeometry.of(Shape.of(1, 1, 3, 3), 3, 2, 1);
        try (Tensor x = cpu.allocate(g.inputShape()); Tensor y = cpu.allocate(g.outputShape());
             Tensor dy = cpu.allocate(g.outputShape()); Tensor dx = cpu.allocate(g.inputShape())) {
            cpu.fill(x, -5f);
            cpu.maxPool2dForward(g, x, y);
            assertArrayEquals(new float[] {-5, -5, -5, -5}, y.toFloatArray(), "padded cells are -inf, not 0");
            cpu.copyFromHost(new float[] {0, 1, 0, 0, Float.NaN, 0, 0, 0, 2}, 0, x);
            cpu.fill(dy, 1f);
            cpu.maxPool2dForward(g, x, y);
            float[] out = y.toFloatArray();
            for (float v : out) {
                assertTrue(Float.isNaN(v), "every window holds the NaN at the centre: " + java.util.Arrays.toString(out));
            }
            cpu.maxPool2dBackward(g, x, y, dy, dx);
            assertArrayEquals(new float[] {0, 0, 0, 0, 4, 0, 0, 0, 0}, dx.toFloatArray());
        }
    }

    @Test
    void avgPoolCountsPaddedCells() {
        // All ones, k3 s1 p1 on 3x3: a corner window holds 4 image cells, an edge one 6, the centre 9, all over 9.
        PoolGeometry g = PoolGeometry.of(Shape.of(1, 1, 3, 3), 3, 1, 1);
        try (Tensor x = cpu.allocate(g.inputShape()); Tensor y = cpu.allocate(g.outputShape())) {
            cpu.fill(x, 1f);
            cpu.avgPool2dForward(g, x, y);
            Numerics.assertClose("avg", new double[] {4 / 9., 6 / 9., 4 / 9., 6 / 9., 1, 6 / 9., 4 / 9., 6 / 9., 4 / 9.},
                    y.toFloatArray(), 1e-7);
        }
    }

    @Test
    void avgPoolMatchesTheReferenceBothWays() {
        long seed = 50;
        for (int[] k : WINDOWS) {
            PoolGeometry g = PoolGeometry.of(Shape.of(N, C, H, W), k[0], k[1], k[2]);
            checkLinearOp("avg pool " + g, g.inputShape(), g.outputShape(), seed++,
                    x -> ReferencePooling.avgPool(x, N * C, H, W, k[0], k[1], k[2]),
                    (x, y) -> cpu.avgPool2dForward(g, x, y), (dy, dx) -> cpu.avgPool2dBackward(g, dy, dx));
        }
    }

    @Test
    void upsampleMatchesTheReferenceBothWays() {
        int[][] sizes = {{10, 14}, {9, 11}, {5, 7}, {3, 4}, {11, 20}};
        long seed = 80;
        for (int[] s : sizes) {
            Shape in = Shape.of(N, C, H, W);
            Shape out = Shape.of(N, C, s[0], s[1]);
            checkLinearOp("nearest to " + out, in, out, seed++, x -> ReferencePooling.nearest(x, N * C, H, W, s[0], s[1]),
                    (x, y) -> cpu.upsample2dForward(UpsampleMode.NEAREST, x, y),
                    (dy, dx) -> cpu.upsample2dBackward(UpsampleMode.NEAREST, dy, dx));
            checkLinearOp("bilinear to " + out, in, out, seed++, x -> ReferencePooling.bilinear(x, N * C, H, W, s[0], s[1]),
                    (x, y) -> cpu.upsample2dForward(UpsampleMode.BILINEAR, x, y),
                    (dy, dx) -> cpu.upsample2dBackward(UpsampleMode.BILINEAR, dy, dx));
        }
    }

    @Test
    void bilinearMatchesHandComputedValues() {
        // [0 1] to width 4: sources max(0, (j + 0.5) / 2 - 0.5) = 0, 0.25, 0.75, 1.25 (clamped to the last column).
        try (Tensor x = cpu.fromHost(new float[] {0, 1}, Shape.of(1, 1, 1, 2)); Tensor y = cpu.allocate(1, 1, 1, 4)) {
            cpu.upsample2dForward(UpsampleMode.BILINEAR, x, y);
            assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, y.toFloatArray());
        }
    }

    /** A two-tensor op: forward (x, y) or backward (dy, dx). */
    @FunctionalInterface
    private interface Op {
        void run(Tensor a, Tensor b);
    }

    /**
     * For an op linear in x: forward against the reference, and backward (assigned: dx starts as
     * NaN) against the central differences of dy . reference(x).
     */
    private void checkLinearOp(String what, Shape in, Shape out, long seed, UnaryOperator<double[]> reference,
                               Op forward, Op backward) {
        double[] x = Numerics.uniform(seed, (int) in.numel(), -1, 1);
        double[] dy = Numerics.uniform(seed + 1000, (int) out.numel(), -1, 1);
        try (Tensor xt = cpu.fromHost(Numerics.toFloat(x), in); Tensor y = cpu.allocate(out);
             Tensor dyt = cpu.fromHost(Numerics.toFloat(dy), out); Tensor dx = cpu.allocate(in)) {
            forward.run(xt, y);
            Numerics.assertClose(what + " forward", reference.apply(x), y.toFloatArray(), 1e-6, 1e-7);
            cpu.fill(dx, Float.NaN);
            backward.run(dyt, dx);
            double[] expected = GradCheck.numericGradient(v -> Numerics.dot(dy, reference.apply(v)), x.clone());
            Numerics.assertClose(what + " backward", expected, dx.toFloatArray(), 1e-5, 1e-7);
        }
    }

    @Test
    void givesBitwiseTheSameResultsOnOneAndTwoThreads() {
        Shape in = Shape.of(N, C, H, W);
        float[] x = Numerics.toFloat(Numerics.uniform(7, (int) in.numel(), -1, 1));
        PoolGeometry g = PoolGeometry.of(in, 3, 2, 1);
        Shape up = Shape.of(N, C, 9, 11);
        float[] dyPool = Numerics.toFloat(Numerics.uniform(8, (int) g.outputShape().numel(), -1, 1));
        float[] dyUp = Numerics.toFloat(Numerics.uniform(9, (int) up.numel(), -1, 1));
        for (int op = 0; op < 4; op++) {
            float[][] one = runPoolingOp(ONE_THREAD, op, g, up, x, dyPool, dyUp);
            float[][] two = runPoolingOp(cpu, op, g, up, x, dyPool, dyUp);
            assertArrayEquals(one[0], two[0], "forward of op " + op);
            assertArrayEquals(one[1], two[1], "backward of op " + op);
        }
    }

    /** {y, dx} of op 0 max pool, 1 avg pool, 2 nearest, 3 bilinear. */
    private static float[][] runPoolingOp(Backend b, int op, PoolGeometry g, Shape up, float[] x, float[] dyPool,
                                          float[] dyUp) {
        Shape out = op < 2 ? g.outputShape() : up;
        try (Tensor xt = b.fromHost(x, g.inputShape()); Tensor y = b.allocate(out);
             Tensor dy = b.fromHost(op < 2 ? dyPool : dyUp, out); Tensor dx = b.allocate(g.inputShape())) {
            switch (op) {
                case 0 -> {
                    b.maxPool2dForward(g, xt, y);
                    b.maxPool2dBackward(g, xt, y, dy, dx);
                }
                case 1 -> {
                    b.avgPool2dForward(g, xt, y);
                    b.avgPool2dBackward(g, dy, dx);
                }
                default -> {
                    UpsampleMode mode = op == 2 ? UpsampleMode.NEAREST : UpsampleMode.BILINEAR;
                    b.upsample2dForward(mode, xt, y);
                    b.upsample2dBackward(mode, dy, dx);
                }
            }
            return new float[][] {y.toFloatArray(), dx.toFloatArray()};
        }
    }
}
