package dev.engram.backend.cpu;

import dev.engram.backend.Activation;
import dev.engram.tensor.Tensor;

import static dev.engram.backend.cpu.CpuBackend.data;
import static dev.engram.backend.cpu.CpuBackend.offset;
import static dev.engram.backend.cpu.CpuBackend.size;

/**
 * Pointwise activations of the CPU backend, with PyTorch's definitions (see {@link Activation}).
 * Transcendental functions are evaluated in double and rounded once to float. Each kind gets its
 * own loop body so the per-element function inlines (a switch per element would not); ReLU,
 * LeakyReLU and sigmoid, the ones of the reference models, run in the {@link PointwiseKernel}.
 */
final class CpuActivations {
    /** Elements per chunk for the activations that call exp, tanh or erf (about 10x a ReLU's cost). */
    private static final int TRANSCENDENTAL_GRAIN = 1 << 12;
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private final CpuThreads threads;
    private final PointwiseKernel pointwise;

    CpuActivations(CpuThreads threads, PointwiseKernel pointwise) {
        this.threads = threads;
        this.pointwise = pointwise;
    }

    /** y = f(x); x and y may be the same array range (each element is read before it is written). */
    void forward(Activation act, Tensor x, Tensor y) {
        float[] xs = data(x);
        float[] ys = data(y);
        int xo = offset(x);
        int yo = offset(y);
        float a = act.alpha();
        CpuThreads.Range body = switch (act.kind()) {
            case RELU -> (from, to) -> pointwise.reluForward(xs, xo + from, ys, yo + from, to - from);
            case LEAKY_RELU -> (from, to) -> pointwise.leakyReluForward(a, xs, xo + from, ys, yo + from, to - from);
            case SIGMOID -> (from, to) -> pointwise.sigmoidForward(xs, xo + from, ys, yo + from, to - from);
            case TANH -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    ys[yo + i] = (float) Math.tanh(xs[xo + i]);
                }
            };
            case ELU -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    float v = xs[xo + i];
                    ys[yo + i] = v > 0f ? v : (float) (a * Math.expm1(v));
                }
            };
            case GELU -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xs[xo + i];
                    ys[yo + i] = (float) (v * normalCdf(v));
                }
            };
            case SOFTPLUS -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    float v = xs[xo + i];
                    float bv = v * a;
                    ys[yo + i] = bv > Activation.SOFTPLUS_THRESHOLD ? v : (float) (Math.log1p(Math.exp(bv)) / a);
                }
            };
        };
        threads.forRange(size(x), grain(act), body);
    }

    /** dx = dy * f'(x), assigned; sigmoid and tanh differentiate from y, the others from x. */
    void backward(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        float[] xs = data(x);
        float[] ys = data(y);
        float[] gs = data(dy);
        float[] ds = data(dx);
        int xo = offset(x);
        int yo = offset(y);
        int go = offset(dy);
        int dOff = offset(dx);
        float a = act.alpha();
        CpuThreads.Range body = switch (act.kind()) {
            case RELU -> (from, to) -> pointwise.reluBackward(xs, xo + from, gs, go + from, ds, dOff + from, to - from);
            case LEAKY_RELU -> (from, to) ->
                    pointwise.leakyReluBackward(a, xs, xo + from, gs, go + from, ds, dOff + from, to - from);
            case SIGMOID -> (from, to) -> pointwise.sigmoidBackward(ys, yo + from, gs, go + from, ds, dOff + from, to - from);
            case TANH -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    float t = ys[yo + i];
                    ds[dOff + i] = gs[go + i] * (1f - t * t);
                }
            };
            case ELU -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    float v = xs[xo + i];
                    float g = gs[go + i];
                    ds[dOff + i] = v > 0f ? g : (float) (a * Math.exp(v) * g);
                }
            };
            case GELU -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xs[xo + i];
                    double slope = normalCdf(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                    ds[dOff + i] = (float) (gs[go + i] * slope);
                }
            };
            case SOFTPLUS -> (from, to) -> {
                for (int i = from; i < to; i++) {
                    float bv = xs[xo + i] * a;
                    float g = gs[go + i];
                    ds[dOff + i] = bv > Activation.SOFTPLUS_THRESHOLD ? g : (float) (g * ScalarPointwiseKernel.sigmoid(bv));
                }
            };
        };
        threads.forRange(size(x), grain(act), body);
    }

    /**
     * All 32 bits set where x > 0 (from the smallest subnormal to +inf), none for zeros, negatives
     * and NaN: a select without a branch, because on data of random sign a branch mispredicts half
     * the time and the loop runs about 10x slower than this one, which the JIT vectorises.
     */

    private static int grain(Activation act) {
        return switch (act.kind()) {
            case RELU, LEAKY_RELU -> CpuElementwise.GRAIN;
            default -> TRANSCENDENTAL_GRAIN;
        };
    }

    /** Phi(x) = P(N(0, 1) <= x) through erfc, which keeps its relative accuracy in the far left tail. */
    private static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x * SQRT_HALF);
    }

    /**
     * The error function, which java.lang.Math lacks. erfc(z), z >= 0, is written as
     * t exp(-z^2 + f(2t - 1)) with t = 2 / (2 + z), which maps [0, inf) onto t in (0, 1]; f is
     * smooth on [-1, 1] and is a polynomial. Its coefficients were computed for engram with
     * mpmath at 50 digits: the Chebyshev interpolant of f at 80 nodes, truncated to 18 terms and
     * rewritten in powers of s (all below 0.7 in magnitude, so Horner's rule loses nothing).
     * Relative error about 1e-11 for erfc and, with the Taylor series near 0, for erf: far below
     * float's resolution (6e-8).
     */
    static final class Erf {
        /** f(s) = sum POLYNOMIAL[k] s^k. */
        private static final double[] POLYNOMIAL = {
            -0.6717940840638894, 0.6726432239971839, 0.04734330801948755, -0.04689561143899856,
            -0.009872721153549173, 0.008824960631395729, 0.0017592649186868071, -0.0023459977506613025,
            -0.00014798466406649722, 0.0006745333893360199, -8.858314561340328e-05, -0.0001766713212888939,
            6.23427898902476e-05, 3.5859295690059274e-05, -2.0765497203224717e-05, -4.391956802844238e-06,
            3.161060508308448e-06, 1.5689567981005141e-07,
        };
        /** Below this |x|, erf uses its Taylor series: 1 - erfc would lose relative accuracy near 0. */
        private static final double TAYLOR_LIMIT = 0.5;
        /** erf(x) = sum TAYLOR[n] x^(2n+1), TAYLOR[n] = 2/sqrt(pi) (-1)^n / (n! (2n+1)); 12 terms reach 1e-16 at 0.5. */
        private static final double[] TAYLOR = new double[12];

        static {
            double factorial = 1;
            for (int n = 0; n < TAYLOR.length; n++) {
                if (n > 0) {
                    factorial *= n;
                }
                TAYLOR[n] = 2 / Math.sqrt(Math.PI) * (n % 2 == 0 ? 1 : -1) / (factorial * (2 * n + 1));
            }
        }

        private Erf() {
        }

        static double erf(double x) {
            double z = Math.abs(x);
            if (z < TAYLOR_LIMIT) {
                double z2 = z * z;
                double s = 0;
                for (int n = TAYLOR.length - 1; n >= 0; n--) {
                    s = s * z2 + TAYLOR[n];
                }
                return x * s;
            }
            double r = 1 - erfcOfNonNegative(z);
            return x < 0 ? -r : r; // NaN falls through: 1 - NaN
        }

        static double erfc(double x) {
            double r = erfcOfNonNegative(Math.abs(x));
            return x < 0 ? 2 - r : r;
        }

        private static double erfcOfNonNegative(double z) {
            double t = 2 / (2 + z);
            double s = 2 * t - 1;
            double f = 0;
            for (int k = POLYNOMIAL.length - 1; k >= 0; k--) {
                f = f * s + POLYNOMIAL[k];
            }
            return t * Math.exp(-z * z + f);
        }
    }
}
