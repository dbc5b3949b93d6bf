package dev.engram.testing;

import dev.engram.backend.Activation;
import dev.engram.backend.Philox;

/**
 * Float64 references for activations, normalisation and dropout, written as plain loops from the
 * PyTorch definitions and independently of the engine's kernels (erf from its series and
 * continued fraction, not from the backend's approximation).
 */
public final class ReferencePointwise {
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private ReferencePointwise() {
    }

    // ---------------------------------------------------------------- erf

    /** erf(x): the all-positive series 2/sqrt(pi) e^(-x^2) sum (2x^2)^n x / (1 * 3 * ... * (2n+1)). */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z > 6) {
            return Math.signum(x) * (1 - erfc(z));
        }
        double term = z;
        double sum = z;
        for (int n = 1; term > 1e-18 * sum; n++) {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
        return x < 0 ? -r : r;
    }

    /**
     * erfc(x): below 1.5, 1 - erf (relative error under 1e-13 there); above, the continued fraction
     * e^(-z^2)/sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...)))) evaluated from its 200th term.
     */
    public static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 1.5) {
            return 1 - erf(x);
        }
        double tail = 0;
        for (int k = 200; k >= 1; k--) {
            tail = (k / 2.0) / (x + tail);
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + tail);
    }

    // ---------------------------------------------------------------- activations

    /** f(x) of one activation, PyTorch's definition. */
    public static double activation(Activation act, double x) {
        double a = act.alpha();
        return switch (act.kind()) {
            case RELU -> x > 0 ? x : 0;
            case LEAKY_RELU -> x > 0 ? x : a * x;
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> tanh(x);
            case ELU -> x > 0 ? x : a * Math.expm1(x);
            case GELU -> 0.5 * x * erfc(-x * SQRT_HALF);
            case SOFTPLUS -> a * x > Activation.SOFTPLUS_THRESHOLD ? x
                    : (Math.max(a * x, 0) + Math.log1p(Math.exp(-Math.abs(a * x)))) / a;
        };
    }

    /** f'(x) of one activation (the one-sided value PyTorch uses at a kink: 0 for ReLU at 0). */
    public static double derivative(Activation act, double x) {
        double a = act.alpha();
        return switch (act.kind()) {
            case RELU -> x > 0 ? 1 : 0;
            case LEAKY_RELU -> x > 0 ? 1 : a;
            case SIGMOID -> {
                double s = activation(act, x);
                yield s * (1 - s);
            }
            case TANH -> 1 / (Math.cosh(x) * Math.cosh(x));
            case ELU -> x > 0 ? 1 : a * Math.exp(x);
            case GELU -> 0.5 * erfc(-x * SQRT_HALF) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case SOFTPLUS -> a * x > Activation.SOFTPLUS_THRESHOLD ? 1 : 1 / (1 + Math.exp(-a * x));
        };
    }

    public static double[] activation(Activation act, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = activation(act, x[i]);
        }
        return y;
    }

    /** tanh through expm1, odd by construction: expm1(2z) / (expm1(2z) + 2) for z = |x|. */
    private static double tanh(double x) {
        double z = Math.abs(x);
        double t = z > 20 ? 1 : Math.expm1(2 * z) / (Math.expm1(2 * z) + 2);
        return x < 0 ? -t : t;
    }

    // ---------------------------------------------------------------- normalisation

    /** Per-channel mean of x [n, c, s] (s = product of the spatial sizes). */
    public static double[] channelMean(double[] x, int n, int c, int s) {
        double[] mean = new double[c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    mean[ch] += x[(b * c + ch) * s + i];
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= n * s;
        }
        return mean;
    }

    /** Per-channel variance of x [n, c, s]: biased (divided by n s) or unbiased (by n s - 1). */
    public static double[] channelVariance(double[] x, int n, int c, int s, boolean unbiased) {
        double[] mean = channelMean(x, n, c, s);
        double[] var = new double[c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    double d = x[(b * c + ch) * s + i] - mean[ch];
                    var[ch] += d * d;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= unbiased ? n * s - 1 : n * s;
        }
        return var;
    }

    /** gamma (x - mean) / sqrt(var + eps) + beta per channel of x [n, c, s], with the given statistics. */
    public static double[] batchNorm(double[] x, int n, int c, int s, double[] mean, double[] var,
                                     double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    int at = (b * c + ch) * s + i;
                    y[at] = gamma[ch] * (x[at] - mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
                }
            }
        }
        return y;
    }

    /** Training-mode batch normalisation: the statistics are the batch's own (biased variance). */
    public static double[] batchNormTraining(double[] x, int n, int c, int s, double[] gamma, double[] beta,
                                             double eps) {
        return batchNorm(x, n, c, s, channelMean(x, n, c, s), channelVariance(x, n, c, s, false), gamma, beta, eps);
    }

    /** Layer normalisation of each row of d = gamma.length elements. */
    public static double[] layerNorm(double[] x, double[] gamma, double[] beta, double eps) {
        int d = gamma.length;
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[r * d + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                var += (x[r * d + j] - mean) * (x[r * d + j] - mean);
            }
            var /= d;
            for (int j = 0; j < d; j++) {
                y[r * d + j] = gamma[j] * (x[r * d + j] - mean) / Math.sqrt(var + eps) + beta[j];
            }
        }
        return y;
    }

    // ---------------------------------------------------------------- dropout

    /**
     * Whether element i survives dropout(p) drawn at (seed, offset): its Philox uniform (lane i % 4
     * of the block at counter offset + i / 4) is >= p.
     */
    public static boolean[] dropoutKeep(int n, float p, long seed, long offset) {
        boolean[] keep = new boolean[n];
        int[] bits = new int[4];
        for (int i = 0; i < n; i++) {
            Philox.block(seed, offset + i / 4, bits);
            keep[i] = Philox.uniform(bits[i % 4]) >= p;
        }
        return keep;
    }

    /** x masked by {@code keep} and scaled by 1 / (1 - p). */
    public static double[] dropout(double[] x, boolean[] keep, double p) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = keep[i] ? x[i] / (1 - p) : 0;
        }
        return y;
    }
}
