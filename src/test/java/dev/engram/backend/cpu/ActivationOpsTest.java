package dev.engram.backend.cpu;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** activationForward / activationBackward of every kind against float64 references, element by element. */
class ActivationOpsTest {
    private final Backend cpu = TestBackends.cpu();

    private static final List<Activation> ALL = List.of(
            Activation.relu(), Activation.leakyRelu(0.01f), Activation.leakyRelu(0.2f), Activation.sigmoid(),
            Activation.tanh(), Activation.elu(1f), Activation.elu(0.7f), Activation.gelu(),
            Activation.softplus(1f), Activation.softplus(2f));

    /** Below float's normal range results have fewer significant bits; compare them absolutely. */
    private static final double SUBNORMAL = 1.2e-38;

    /**
     * A dense sweep of [-30, 30] plus zero, tiny values, the regions where exp overflows or a
     * function saturates, and both sides of the Softplus threshold (20 for beta 1, 10 for beta 2).
     */
    private static double[] points() {
        double[] special = {0, Float.MIN_VALUE, 1e-30, 1e-7, 1e-3, 0.5, 0.75, 1, 5, 9.99, 10, 10.01, 15, 19.99, 20,
            20.01, 25, 40, 88, 89, 100, 710, 1e4, 1e30};
        double[] x = new double[6001 + 2 * special.length + 1];
        int k = 0;
        for (int i = 0; i <= 6000; i++) {
            x[k++] = (float) (-30 + i * 0.01);
        }
        for (double s : special) {
            x[k++] = (float) s;
            x[k++] = (float) -s;
        }
        x[k] = -0.0;
        return x;
    }

    private Tensor tensor(double[] v) {
        return cpu.fromHost(Numerics.toFloat(v), Shape.of(v.length));
    }

    @Test
    void forwardMatchesTheDoubleReference() {
        double[] x = points();
        for (Activation act : ALL) {
            try (Tensor xt = tensor(x); Tensor yt = cpu.allocate(Shape.of(x.length))) {
                cpu.activationForward(act, xt, yt);
                float[] y = yt.toFloatArray();
                double[] expected = ReferencePointwise.activation(act, x);
                for (int i = 0; i < x.length; i++) {
                    // Correct rounding to float is within 2^-24 relative; allow twice that.
                    check(act + " forward", x[i], expected[i], y[i], 0x1p-23 * Math.abs(expected[i]) + SUBNORMAL);
                }
            }
        }
    }

    @Test
    void backwardMatchesTheDoubleDerivative() {
        double[] x = points();
        double[] dy = Numerics.uniform(5, x.length, -1, 1);
        for (Activation act : ALL) {
            try (Tensor xt = tensor(x); Tensor yt = cpu.allocate(Shape.of(x.length)); Tensor dyt = tensor(dy);
                 Tensor dxt = cpu.allocate(Shape.of(x.length))) {
                cpu.fill(dxt, Float.NaN);
                cpu.activationForward(act, xt, yt);
                cpu.activationBackward(act, xt, yt, dyt, dxt);
                float[] dx = dxt.toFloatArray();
                boolean fromY = act.kind() == Activation.Kind.SIGMOID || act.kind() == Activation.Kind.TANH;
                for (int i = 0; i < x.length; i++) {
                    double expected = dy[i] * ReferencePointwise.derivative(act, x[i]);
                    // From y = f(x) rounded to float, 1 - y (or 1 - y^2) carries y's rounding of 2^-24 absolute.
                    double fromYError = fromY ? 4 * 0x1p-24 * Math.abs(dy[i]) : 0;
                    double bound = 4 * 0x1p-24 * Math.abs(expected) + fromYError + SUBNORMAL;
                    check(act + " backward", x[i], expected, dx[i], bound);
                }
            }
        }
    }

    @Test
    void piecewiseKindsTakeTheLeftSlopeAtZeroAndTheRightOneFromTheSmallestPositive() {
        float tiny = Float.MIN_VALUE;
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {0f, -0f, tiny, -tiny, 1e-30f, -1e-30f, inf, -inf};
        float[] dy = {1, 1, 1, 1, 1, 1, 1, 1};
        for (Activation act : List.of(Activation.relu(), Activation.leakyRelu(0.3f), Activation.elu(0.5f))) {
            try (Tensor xt = cpu.fromHost(x, Shape.of(x.length)); Tensor yt = cpu.allocate(Shape.of(x.length));
                 Tensor dyt = cpu.fromHost(dy, Shape.of(x.length)); Tensor dxt = cpu.allocate(Shape.of(x.length))) {
                cpu.activationForward(act, xt, yt);
                cpu.activationBackward(act, xt, yt, dyt, dxt);
                float s = act.kind() == Activation.Kind.RELU ? 0f : act.alpha();
                float left = act.kind() == Activation.Kind.ELU ? 0f : s; // ELU's slope at -inf is alpha e^-inf
                assertArrayEquals(new float[] {s, s, 1, s, 1, s, 1, left}, dxt.toFloatArray(), act + " slopes");
            }
        }
    }

    @Test
    void forwardMayWriteOverItsInput() {
        double[] x = Numerics.uniform(8, 999, -6, 6);
        for (Activation act : ALL) {
            try (Tensor xt = tensor(x); Tensor separate = cpu.allocate(Shape.of(x.length)); Tensor inPlace = tensor(x)) {
                cpu.activationForward(act, xt, separate);
                cpu.activationForward(act, inPlace, inPlace);
                assertArrayEquals(separate.toFloatArray(), inPlace.toFloatArray(), act + " in place");
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        double[] x = Numerics.uniform(9, 100_003, -8, 8);
        double[] dy = Numerics.uniform(10, x.length, -1, 1);
        try (CpuBackend single = new CpuBackend(1)) {
            for (Activation act : ALL) {
                assertArrayEquals(run(single, act, x, dy), run(cpu, act, x, dy), act.toString());
            }
        }
    }

    /** y followed by dx of one forward and backward. */
    private static float[] run(Backend b, Activation act, double[] x, double[] dy) {
        Shape s = Shape.of(x.length);
        try (Tensor xt = b.fromHost(Numerics.toFloat(x), s); Tensor yt = b.allocate(s);
             Tensor dyt = b.fromHost(Numerics.toFloat(dy), s); Tensor dxt = b.allocate(s)) {
            b.activationForward(act, xt, yt);
            b.activationBackward(act, xt, yt, dyt, dxt);
            float[] out = new float[2 * x.length];
            b.copyToHost(yt, out, 0);
            b.copyToHost(dxt, out, x.length);
            return out;
        }
    }

    private static void check(String what, double x, double expected, float actual, double bound) {
        if (!(Math.abs(actual - expected) <= bound)) {
            fail(String.format("%s at x = %s: %.9g, expected %.12g (error %.3g > %.3g)", what, x, actual, expected,
                    Math.abs(actual - expected), bound));
        }
    }
}
