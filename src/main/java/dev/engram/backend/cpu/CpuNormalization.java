package dev.engram.backend.cpu;

import dev.engram.tensor.Tensor;

import static dev.engram.backend.cpu.CpuBackend.data;
import static dev.engram.backend.cpu.CpuBackend.offset;
import static dev.engram.backend.cpu.CpuBackend.size;

/**
 * Batch and layer normalisation of the CPU backend. Statistics are two-pass (mean, then the mean
 * of squared deviations) in double, so an input far from zero keeps its precision; every sum runs
 * in a fixed order inside one task, so results do not depend on the thread count.
 * Batch normalisation runs in parallel over channels, layer normalisation over rows.
 */
final class CpuNormalization {
    private final CpuThreads threads;
    private final PointwiseKernel kernel;

    CpuNormalization(CpuThreads threads, PointwiseKernel kernel) {
        this.threads = threads;
        this.kernel = kernel;
    }

    /** x [N, C, S...] seen as N x C planes of S = product of the spatial sizes. */
    private record Planes(int n, int c, int s) {
        static Planes of(Tensor x) {
            return new Planes(x.shape().dim(0), x.shape().dim(1), Math.toIntExact(x.shape().numelFrom(2)));
        }

        /** Values per channel. */
        int m() {
            return n * s;
        }

        /** Index of element 0 of plane (b, ch), relative to the tensor's offset. */
        int plane(int b, int ch) {
            return (b * c + ch) * s;
        }

        /** Channels per chunk so that a chunk holds at least a cheap loop's grain of elements. */
        int channelGrain() {
            return Math.max(1, CpuElementwise.GRAIN / Math.max(1, m()));
        }
    }

    void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                           Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        Planes p = Planes.of(x);
        float[] xs = data(x);
        float[] ys = data(y);
        int xo = offset(x);
        int yo = offset(y);
        float[] g = data(gamma);
        float[] bt = data(beta);
        float[] rm = data(runningMean);
        float[] rv = data(runningVar);
        float[] sm = data(saveMean);
        float[] si = data(saveInvStd);
        int go = offset(gamma);
        int bo = offset(beta);
        int rmo = offset(runningMean);
        int rvo = offset(runningVar);
        int smo = offset(saveMean);
        int sio = offset(saveInvStd);
        int m = p.m();
        threads.forRange(p.c(), p.channelGrain(), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double sum = 0;
                for (int b = 0; b < p.n(); b++) {
                    sum += kernel.sum(xs, xo + p.plane(b, ch), p.s());
                }
                double mean = sum / m;
                double squares = 0;
                for (int b = 0; b < p.n(); b++) {
                    squares += kernel.squaredDeviations(xs, xo + p.plane(b, ch), p.s(), mean);
                }
                double var = squares / m;
                double invStd = 1 / Math.sqrt(var + eps);
                sm[smo + ch] = (float) mean;
                si[sio + ch] = (float) invStd;
                // PyTorch tracks the unbiased variance; the forward normalises with the biased one.
                rm[rmo + ch] = (float) ((1.0 - momentum) * rm[rmo + ch] + momentum * mean);
                rv[rvo + ch] = (float) ((1.0 - momentum) * rv[rvo + ch] + momentum * squares / (m - 1));
                double scale = g[go + ch] * invStd;
                double shift = bt[bo + ch];
                for (int b = 0; b < p.n(); b++) {
                    int xb = xo + p.plane(b, ch);
                    int yb = yo + p.plane(b, ch);
                    for (int i = 0; i < p.s(); i++) {
                        ys[yb + i] = (float) ((xs[xb + i] - mean) * scale + shift);
                    }
                }
            }
        });
    }

    void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                            Tensor y) {
        Planes p = Planes.of(x);
        float[] xs = data(x);
        float[] ys = data(y);
        int xo = offset(x);
        int yo = offset(y);
        double[] mean = new double[p.c()];
        double[] scale = new double[p.c()];
        double[] shift = new double[p.c()];
        for (int ch = 0; ch < p.c(); ch++) {
            mean[ch] = data(runningMean)[offset(runningMean) + ch];
            double var = data(runningVar)[offset(runningVar) + ch];
            scale[ch] = data(gamma)[offset(gamma) + ch] / Math.sqrt(var + eps);
            shift[ch] = data(beta)[offset(beta) + ch];
        }
        int planes = p.n() * p.c();
        threads.forRange(planes, Math.max(1, CpuElementwise.GRAIN / Math.max(1, p.s())), (from, to) -> {
            for (int q = from; q < to; q++) {
                int ch = q % p.c();
                int base = q * p.s();
                for (int i = 0; i < p.s(); i++) {
                    ys[yo + base + i] = (float) ((xs[xo + base + i] - mean[ch]) * scale[ch] + shift[ch]);
                }
            }
        });
    }

    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                           Tensor dx, Tensor dgamma, Tensor dbeta) {
        Planes p = Planes.of(x);
        float[] xs = data(x);
        float[] gs = data(dy);
        float[] ds = data(dx);
        int xo = offset(x);
        int go = offset(dy);
        int dOff = offset(dx);
        float[] gm = data(gamma);
        float[] sm = data(saveMean);
        float[] si = data(saveInvStd);
        float[] dg = data(dgamma);
        float[] db = data(dbeta);
        int gmo = offset(gamma);
        int smo = offset(saveMean);
        int sio = offset(saveInvStd);
        int dgo = offset(dgamma);
        int dbo = offset(dbeta);
        int m = p.m();
        threads.forRange(p.c(), p.channelGrain(), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double mean = sm[smo + ch];
                double invStd = si[sio + ch];
                double sumDy = 0;
                double sumDyDeviation = 0;
                for (int b = 0; b < p.n(); b++) {
                    sumDy += kernel.sum(gs, go + p.plane(b, ch), p.s());
                    sumDyDeviation += kernel.productWithDeviations(gs, go + p.plane(b, ch), xs, xo + p.plane(b, ch),
                            p.s(), mean);
                }
                double sumDyXhat = sumDyDeviation * invStd;
                dg[dgo + ch] += (float) sumDyXhat;
                db[dbo + ch] += (float) sumDy;
                // dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)): the batch statistics depend on x too.
                double k = gm[gmo + ch] * invStd;
                double meanDy = sumDy / m;
                double meanDyXhat = sumDyXhat / m;
                for (int b = 0; b < p.n(); b++) {
                    int xb = xo + p.plane(b, ch);
                    int gb = go + p.plane(b, ch);
                    int dxb = dOff + p.plane(b, ch);
                    for (int i = 0; i < p.s(); i++) {
                        double xhat = (xs[xb + i] - mean) * invStd;
                        ds[dxb + i] = (float) (k * (gs[gb + i] - meanDy - xhat * meanDyXhat));
                    }
                }
            }
        });
    }

    void layerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        int d = size(gamma);
        int rows = size(x) / d;
        float[] xs = data(x);
        float[] ys = data(y);
        float[] g = data(gamma);
        float[] bt = data(beta);
        float[] sm = data(saveMean);
        float[] si = data(saveInvStd);
        int xo = offset(x);
        int yo = offset(y);
        int go = offset(gamma);
        int bo = offset(beta);
        int smo = offset(saveMean);
        int sio = offset(saveInvStd);
        threads.forRange(rows, rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xo + r * d;
                int yr = yo + r * d;
                double mean = kernel.sum(xs, xr, d) / d;
                double invStd = 1 / Math.sqrt(kernel.squaredDeviations(xs, xr, d, mean) / d + eps);
                sm[smo + r] = (float) mean;
                si[sio + r] = (float) invStd;
                for (int j = 0; j < d; j++) {
                    ys[yr + j] = (float) ((xs[xr + j] - mean) * invStd * g[go + j] + bt[bo + j]);
                }
            }
        });
    }

    void layerNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                           Tensor dx, Tensor dgamma, Tensor dbeta) {
        int d = size(gamma);
        int rows = size(x) / d;
        float[] xs = data(x);
        float[] gs = data(dy);
        float[] ds = data(dx);
        float[] gm = data(gamma);
        float[] sm = data(saveMean);
        float[] si = data(saveInvStd);
        float[] dg = data(dgamma);
        float[] db = data(dbeta);
        int xo = offset(x);
        int go = offset(dy);
        int dOff = offset(dx);
        int gmo = offset(gamma);
        int smo = offset(saveMean);
        int sio = offset(saveInvStd);
        int dgo = offset(dgamma);
        int dbo = offset(dbeta);
        // Parameter gradients first, over columns (each a sum down the rows, in row order), because
        // dx may share memory with dy or x and is written by the second pass.
        threads.forRange(d, Math.max(1, CpuElementwise.GRAIN / Math.max(1, rows)), (from, to) -> {
            double[] sumDyXhat = new double[to - from];
            double[] sumDy = new double[to - from];
            for (int r = 0; r < rows; r++) {
                double mean = sm[smo + r];
                double invStd = si[sio + r];
                int xr = xo + r * d;
                int gr = go + r * d;
                for (int j = from; j < to; j++) {
                    double g = gs[gr + j];
                    sumDy[j - from] += g;
                    sumDyXhat[j - from] += g * (xs[xr + j] - mean) * invStd;
                }
            }
            for (int j = from; j < to; j++) {
                dg[dgo + j] += (float) sumDyXhat[j - from];
                db[dbo + j] += (float) sumDy[j - from];
            }
        });
        threads.forRange(rows, rowGrain(d), (from, to) -> {
            for (int r = from; r < to; r++) {
                double mean = sm[smo + r];
                double invStd = si[sio + r];
                int xr = xo + r * d;
                int gr = go + r * d;
                int dr = dOff + r * d;
                double sumG = 0;
                double sumGXhat = 0;
                for (int j = 0; j < d; j++) {
                    double g = gs[gr + j] * (double) gm[gmo + j];
                    sumG += g;
                    sumGXhat += g * (xs[xr + j] - mean) * invStd;
                }
                double meanG = sumG / d;
                double meanGXhat = sumGXhat / d;
                for (int j = 0; j < d; j++) {
                    double g = gs[gr + j] * (double) gm[gmo + j];
                    double xhat = (xs[xr + j] - mean) * invStd;
                    ds[dr + j] = (float) (invStd * (g - meanG - xhat * meanGXhat));
                }
            }
        });
    }

    /** Rows per chunk so that a chunk holds at least a cheap loop's grain of elements. */
    private static int rowGrain(int rowLength) {
        return Math.max(1, CpuElementwise.GRAIN / rowLength);
    }
}
