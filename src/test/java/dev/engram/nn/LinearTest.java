package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {
    private final Backend cpu = TestBackends.cpu();

    /** y[n, o] = sum_i x[n, i] w[o, i] + b[o], in double. */
    static double[] reference(double[] x, double[] w, double[] b, int in, int out) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[n * in + i] * w[o * in + i];
                }
                y[n * out + o] = s;
            }
        }
        return y;
    }

    @Test
    void matchesHandComputedValues() {
        try (Linear lin = new Linear(2, 3).build(cpu, 0)) {
            cpu.copyFromHost(new float[] {1, 2, 3, 4, 5, 6}, 0, lin.weight().value());
            cpu.copyFromHost(new float[] {0.5f, -1, 0}, 0, lin.bias().value());
            try (Tensor x = cpu.fromHost(new float[] {1, -1, 2, 0.5f}, Shape.of(2, 2))) {
                // row 1: (1*1 + 2*-1 + .5, 3*1 + 4*-1 - 1, 5 - 6) ; row 2: (2 + 1 + .5, 6 + 2 - 1, 10 + 3)
                Numerics.assertClose("linear", new double[] {-0.5, -2, -1, 3.5, 7, 13},
                        lin.forward(x).toFloatArray(), 0);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        int in = 7;
        int out = 5;
        try (Linear lin = new Linear(in, out).build(cpu, 3)) {
            ModuleCheck.of(lin, (x, p) -> reference(x, p.get("weight"), p.get("bias"), in, out))
                    .check(Shape.of(3, in), 11);
        }
        try (Linear lin = new Linear(in, out, false).build(cpu, 4)) {
            ModuleCheck.of(lin, (x, p) -> reference(x, p.get("weight"), null, in, out))
                    .check(Shape.of(2, 3, in), 12);
        }
    }

    @Test
    void initialisesLikePyTorchFromTheSeed() {
        try (Linear a = new Linear(400, 30).build(cpu, 9); Linear b = new Linear(400, 30).build(cpu, 9);
             Linear c = new Linear(400, 30).build(cpu, 10)) {
            float[] wa = a.weight().value().toFloatArray();
            assertEquals(java.util.Arrays.toString(wa), java.util.Arrays.toString(b.weight().value().toFloatArray()));
            assertTrue(!java.util.Arrays.equals(wa, c.weight().value().toFloatArray()));
            double bound = 1 / Math.sqrt(400);
            double max = Numerics.maxAbs(Numerics.toDouble(wa));
            assertTrue(max <= bound && max > 0.95 * bound, "weights span +-1/sqrt(fan_in): max " + max);
        }
    }

    @Test
    void refusesAWrongInputWidthWithoutAllocating() {
        try (Linear lin = new Linear(784, 32).build(cpu, 0); Tensor x = cpu.allocate(3, 785)) {
            long before = cpu.liveBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(x));
            assertTrue(e.getMessage().contains("[3, 785]") && e.getMessage().contains("784"), e.getMessage());
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (Linear lin = new Linear(4, 2).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(3, 4));
             Tensor dy = cpu.zeros(Shape.of(3, 2))) {
            lin.requireInputGradient(false);
            lin.forward(x);
            assertNull(lin.backward(dy));
        }
    }
}
