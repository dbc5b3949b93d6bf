package dev.engram.backend.cpu;

import dev.engram.backend.LossKind;
import dev.engram.tensor.Tensor;

import static dev.engram.backend.cpu.CpuBackend.data;
import static dev.engram.backend.cpu.CpuBackend.offset;
import static dev.engram.backend.cpu.CpuBackend.size;

/**
 * Losses, the Gaussian KL term and the reparameterisation of the CPU backend.
 *
 * <p>Each elementwise loss and its derivative are evaluated in double from the float inputs;
 * sums go through {@link CpuElementwise#reduce}, so they do not depend on the thread count.
 *
 * <p>BCE follows PyTorch at the edges: each log is clamped at -100, so p = 0 or 1 against the
 * opposite target costs 100, and the gradient is PyTorch's (p - t) / max(p (1 - p), 1e-12),
 * which stays finite (at most 1e12 in size) there and points back into (0, 1), rather than the
 * zero slope of the clamped log.
 */
final class CpuLosses {
    private static final double LOG_FLOOR = -100;
    private static final double BCE_GRAD_EPS = 1e-12;

    private final CpuThreads threads;
    private final CpuElementwise elementwise;
    private final PointwiseKernel pointwise;

    CpuLosses(CpuThreads threads, CpuElementwise elementwise, PointwiseKernel pointwise) {
        this.threads = threads;
        this.elementwise = elementwise;
        this.pointwise = pointwise;
    }

    // ---------------------------------------------------------------- reconstruction losses

    void lossForward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        float[] p = data(pred);
        float[] t = data(target);
        int po = offset(pred);
        int to = offset(target);
        double sum = elementwise.reduce(size(pred), (from, end) -> {
            double s = 0;
            switch (kind) {
                case MSE -> {
                    for (int i = from; i < end; i++) {
                        double d = (double) p[po + i] - t[to + i];
                        s += d * d;
                    }
                }
                case L1 -> {
                    for (int i = from; i < end; i++) {
                        s += Math.abs((double) p[po + i] - t[to + i]);
                    }
                }
                case BCE -> {
                    for (int i = from; i < end; i++) {
                        s += bce(p[po + i], t[to + i]);
                    }
                }
                case BCE_WITH_LOGITS -> {
                    for (int i = from; i < end; i++) {
                        s += bceWithLogits(p[po + i], t[to + i]);
                    }
                }
            }
            return s;
        });
        data(out)[offset(out)] = (float) (scale * sum);
    }

    void lossBackward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        float[] p = data(pred);
        float[] t = data(target);
        float[] d = data(dpred);
        int po = offset(pred);
        int to = offset(target);
        int dOff = offset(dpred);
        threads.forRange(size(pred), CpuElementwise.GRAIN, (from, end) -> {
            switch (kind) {
                case MSE -> {
                    for (int i = from; i < end; i++) {
                        d[dOff + i] = (float) (scale * 2.0 * ((double) p[po + i] - t[to + i]));
                    }
                }
                case L1 -> {
                    for (int i = from; i < end; i++) {
                        d[dOff + i] = scale * Math.signum(p[po + i] - t[to + i]);
                    }
                }
                case BCE -> {
                    for (int i = from; i < end; i++) {
                        d[dOff + i] = (float) (scale * bceGradient(p[po + i], t[to + i]));
                    }
                }
                case BCE_WITH_LOGITS -> pointwise.bceWithLogitsGradient(scale, p, po + from, t, to + from, d, dOff + from,
                        end - from);
            }
        });
    }

    /**
     * -(t log p + (1 - t) log(1 - p)), each log clamped at -100 as PyTorch does. For a float p,
     * 1 - p is exact in double (for p >= 2^-29; off by under 2^-53 below), so the intrinsic
     * log(1 - p) is as good as the slower log1p(-p).
     */
    private static double bce(double p, double t) {
        double logP = Math.max(Math.log(p), LOG_FLOOR);
        double log1mP = Math.max(Math.log(1 - p), LOG_FLOOR);
        return -(t * logP + (1 - t) * log1mP);
    }

    private static double bceGradient(double p, double t) {
        return (p - t) / Math.max(p * (1 - p), BCE_GRAD_EPS);
    }

    /**
     * max(x, 0) - x t + log(1 + exp(-|x|)): the exponent is never positive, so any x is safe. The
     * intrinsic log of 1 + e is off by at most 2^-53 from log1p(e), far below what the float
     * result resolves, and faster.
     */
    private static double bceWithLogits(double x, double t) {
        return Math.max(x, 0) - x * t + Math.log(1 + Math.exp(-Math.abs(x)));
    }

    // ---------------------------------------------------------------- VAE: KL term and reparameterisation

    /** Layout of stats [N, 2L]: row n holds mu at n * 2L + j and logvar at n * 2L + L + j. */
    private static int latent(Tensor stats) {
        return stats.shape().dim(1) / 2;
    }

    void klForward(Tensor stats, float scale, Tensor out) {
        float[] s = data(stats);
        int so = offset(stats);
        int latent = latent(stats);
        int terms = size(stats) / 2;
        double sum = elementwise.reduce(terms, (from, end) -> {
            double acc = 0;
            for (int i = from; i < end; i++) {
                int at = so + i / latent * 2 * latent + i % latent;
                double mu = s[at];
                double logvar = s[at + latent];
                acc += -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
            }
            return acc;
        });
        data(out)[offset(out)] = (float) (scale * sum);
    }

    void klBackward(Tensor stats, float scale, Tensor dstats) {
        float[] s = data(stats);
        float[] d = data(dstats);
        int so = offset(stats);
        int dOff = offset(dstats);
        int latent = latent(stats);
        forRows(stats, (row, from, end) -> {
            for (int j = from; j < end; j++) {
                int at = row * 2 * latent + j;
                double mu = s[so + at];
                double logvar = s[so + at + latent];
                d[dOff + at] += (float) (scale * mu);
                d[dOff + at + latent] += (float) (scale * 0.5 * (Math.exp(logvar) - 1));
            }
        });
    }

    void reparameterizeForward(Tensor stats, Tensor eps, Tensor z) {
        float[] s = data(stats);
        float[] e = data(eps);
        float[] zd = data(z);
        int so = offset(stats);
        int eo = offset(eps);
        int zo = offset(z);
        int latent = latent(stats);
        forRows(stats, (row, from, end) -> {
            for (int j = from; j < end; j++) {
                int at = so + row * 2 * latent + j;
                int k = row * latent + j;
                zd[zo + k] = (float) (s[at] + Math.exp(0.5 * s[at + latent]) * e[eo + k]);
            }
        });
    }

    void reparameterizeBackward(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        float[] s = data(stats);
        float[] e = data(eps);
        float[] g = data(dz);
        float[] d = data(dstats);
        int so = offset(stats);
        int eo = offset(eps);
        int go = offset(dz);
        int dOff = offset(dstats);
        int latent = latent(stats);
        forRows(stats, (row, from, end) -> {
            for (int j = from; j < end; j++) {
                int at = row * 2 * latent + j;
                int k = row * latent + j;
                double std = Math.exp(0.5 * s[so + at + latent]);
                float grad = g[go + k];
                d[dOff + at] = grad;
                d[dOff + at + latent] = (float) (grad * e[eo + k] * std * 0.5);
            }
        });
    }

    /** Body over latent columns [from, to) of one row of stats. */
    @FunctionalInterface
    private interface RowBody {
        void run(int row, int from, int to);
    }

    /** Runs body over every (row, latent column) of stats [N, 2L], split over threads by element. */
    private void forRows(Tensor stats, RowBody body) {
        int latent = latent(stats);
        int terms = size(stats) / 2;
        threads.forRange(terms, CpuElementwise.GRAIN, (from, to) -> {
            int i = from;
            while (i < to) {
                int row = i / latent;
                int col = i - row * latent;
                int end = Math.min(latent, col + (to - i));
                body.run(row, col, end);
                i += end - col;
            }
        });
    }
}
