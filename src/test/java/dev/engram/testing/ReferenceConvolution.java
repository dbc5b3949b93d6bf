package dev.engram.testing;

/**
 * Float64 references of 2-D convolution, its gradients and the transposed convolution, written
 * as plain loops straight from PyTorch's definitions (cross-correlation, NCHW, no groups).
 */
public final class ReferenceConvolution {
    private ReferenceConvolution() {
    }

    /**
     * Sizes of a convolution: input [n, c, h, w], weight [k, c, r, s], output [n, k, outH, outW],
     * with stride, padding and dilation per axis.
     */
    public record Conv(int n, int c, int h, int w, int k, int r, int s,
                       int strideH, int strideW, int padH, int padW, int dilH, int dilW) {

        /** Square kernel, stride, padding and dilation. */
        public static Conv square(int n, int c, int h, int w, int k, int kernel, int stride, int pad, int dil) {
            return new Conv(n, c, h, w, k, kernel, kernel, stride, stride, pad, pad, dil, dil);
        }

        public int outH() {
            return (h + 2 * padH - dilH * (r - 1) - 1) / strideH + 1;
        }

        public int outW() {
            return (w + 2 * padW - dilW * (s - 1) - 1) / strideW + 1;
        }

        public int inputSize() {
            return n * c * h * w;
        }

        public int weightSize() {
            return k * c * r * s;
        }

        public int outputSize() {
            return n * k * outH() * outW();
        }
    }

    /** y[b, o, i, j] = bias[o] + sum over (ci, kr, ks) of x[b, ci, i*sh - ph + kr*dh, j*sw - pw + ks*dw] w[o, ci, kr, ks]. */
    public static double[] forward(Conv g, double[] x, double[] w, double[] bias) {
        int p = g.outH();
        int q = g.outW();
        double[] y = new double[g.outputSize()];
        for (int b = 0; b < g.n; b++) {
            for (int o = 0; o < g.k; o++) {
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < q; j++) {
                        double sum = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < g.c; ci++) {
                            for (int kr = 0; kr < g.r; kr++) {
                                for (int ks = 0; ks < g.s; ks++) {
                                    int ih = i * g.strideH - g.padH + kr * g.dilH;
                                    int iw = j * g.strideW - g.padW + ks * g.dilW;
                                    if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
                                        sum += x[((b * g.c + ci) * g.h + ih) * g.w + iw] * w[((o * g.c + ci) * g.r + kr) * g.s + ks];
                                    }
                                }
                            }
                        }
                        y[((b * g.k + o) * p + i) * q + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** dx of {@link #forward}: every dy[b, o, i, j] w[o, ci, kr, ks] added to the input pixel it multiplied. */
    public static double[] backwardData(Conv g, double[] dy, double[] w) {
        int p = g.outH();
        int q = g.outW();
        double[] dx = new double[g.inputSize()];
        for (int b = 0; b < g.n; b++) {
            for (int o = 0; o < g.k; o++) {
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < q; j++) {
                        double gy = dy[((b * g.k + o) * p + i) * q + j];
                        for (int ci = 0; ci < g.c; ci++) {
                            for (int kr = 0; kr < g.r; kr++) {
                                for (int ks = 0; ks < g.s; ks++) {
                                    int ih = i * g.strideH - g.padH + kr * g.dilH;
                                    int iw = j * g.strideW - g.padW + ks * g.dilW;
                                    if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
                                        dx[((b * g.c + ci) * g.h + ih) * g.w + iw] += gy * w[((o * g.c + ci) * g.r + kr) * g.s + ks];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** dw of {@link #forward}: dw[o, ci, kr, ks] = sum over b, i, j of dy[b, o, i, j] x[b, ci, ih, iw]. */
    public static double[] backwardFilter(Conv g, double[] x, double[] dy) {
        int p = g.outH();
        int q = g.outW();
        double[] dw = new double[g.weightSize()];
        for (int o = 0; o < g.k; o++) {
            for (int ci = 0; ci < g.c; ci++) {
                for (int kr = 0; kr < g.r; kr++) {
                    for (int ks = 0; ks < g.s; ks++) {
                        double sum = 0;
                        for (int b = 0; b < g.n; b++) {
                            for (int i = 0; i < p; i++) {
                                for (int j = 0; j < q; j++) {
                                    int ih = i * g.strideH - g.padH + kr * g.dilH;
                                    int iw = j * g.strideW - g.padW + ks * g.dilW;
                                    if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) {
                                        sum += dy[((b * g.k + o) * p + i) * q + j] * x[((b * g.c + ci) * g.h + ih) * g.w + iw];
                                    }
                                }
                            }
                        }
                        dw[((o * g.c + ci) * g.r + kr) * g.s + ks] = sum;
                    }
                }
            }
        }
        return dw;
    }

    /** PyTorch's output size of a transposed convolution along one axis. */
    public static int transposedSize(int in, int kernel, int stride, int pad, int outPad, int dil) {
        return (in - 1) * stride - 2 * pad + dil * (kernel - 1) + outPad + 1;
    }

    /**
     * PyTorch's conv_transpose2d: x [n, in, h, w], weight [in, out, kernel, kernel], bias [out] or
     * null, output [n, out, H', W']. Each input pixel scatters its weighted kernel into the output:
     * y[b, o, i*stride - pad + kr*dil, j*stride - pad + ks*dil] += x[b, ci, i, j] w[ci, o, kr, ks].
     */
    public static double[] transposed(double[] x, int n, int in, int h, int w, double[] weight, double[] bias,
                                      int out, int kernel, int stride, int pad, int outPad, int dil) {
        int ho = transposedSize(h, kernel, stride, pad, outPad, dil);
        int wo = transposedSize(w, kernel, stride, pad, outPad, dil);
        double[] y = new double[n * out * ho * wo];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                for (int e = 0; e < ho * wo; e++) {
                    y[(b * out + o) * ho * wo + e] = bias == null ? 0 : bias[o];
                }
            }
            for (int ci = 0; ci < in; ci++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double v = x[((b * in + ci) * h + i) * w + j];
                        for (int o = 0; o < out; o++) {
                            for (int kr = 0; kr < kernel; kr++) {
                                for (int ks = 0; ks < kernel; ks++) {
                                    int oi = i * stride - pad + kr * dil;
                                    int oj = j * stride - pad + ks * dil;
                                    if (oi >= 0 && oi < ho && oj >= 0 && oj < wo) {
                                        y[((b * out + o) * ho + oi) * wo + oj] += v * weight[((ci * out + o) * kernel + kr) * kernel + ks];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }
}
