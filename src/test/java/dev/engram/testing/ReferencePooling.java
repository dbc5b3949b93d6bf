package dev.engram.testing;

/**
 * Float64 references of 2-D max and average pooling and of nearest and bilinear resizing, as
 * plain loops from PyTorch's definitions, on NCHW arrays of {@code planes = n * c} planes.
 */
public final class ReferencePooling {
    private ReferencePooling() {
    }

    /** Floor-mode output size of a pooling window along one axis. */
    public static int outSize(int in, int kernel, int stride, int pad) {
        return (in + 2 * pad - kernel) / stride + 1;
    }

    /** Max over each window; cells in the padding count as -inf. */
    public static double[] maxPool(double[] x, int planes, int h, int w, int kernel, int stride, int pad) {
        return pool(x, planes, h, w, kernel, stride, pad, true);
    }

    /** Sum over each window divided by kernel * kernel (count_include_pad=True). */
    public static double[] avgPool(double[] x, int planes, int h, int w, int kernel, int stride, int pad) {
        return pool(x, planes, h, w, kernel, stride, pad, false);
    }

    private static double[] pool(double[] x, int planes, int h, int w, int kernel, int stride, int pad, boolean max) {
        int oh = outSize(h, kernel, stride, pad);
        int ow = outSize(w, kernel, stride, pad);
        double[] y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int a = 0; a < kernel; a++) {
                        for (int b = 0; b < kernel; b++) {
                            int ih = i * stride - pad + a;
                            int iw = j * stride - pad + b;
                            double v = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(pl * h + ih) * w + iw]
                                    : (max ? Double.NEGATIVE_INFINITY : 0);
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(pl * oh + i) * ow + j] = max ? acc : acc / (kernel * kernel);
                }
            }
        }
        return y;
    }

    /**
     * dx of max pooling: each dy goes to the first cell of its window, in row-major scan order,
     * that holds the window's maximum (padding cells, at -inf, never do).
     */
    public static double[] maxPoolBackward(double[] x, double[] dy, int planes, int h, int w, int kernel, int stride,
                                           int pad) {
        int oh = outSize(h, kernel, stride, pad);
        int ow = outSize(w, kernel, stride, pad);
        double[] y = maxPool(x, planes, h, w, kernel, stride, pad);
        double[] dx = new double[x.length];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (pl * oh + i) * ow + j;
                    int first = -1;
                    for (int a = 0; a < kernel && first < 0; a++) {
                        for (int b = 0; b < kernel && first < 0; b++) {
                            int ih = i * stride - pad + a;
                            int iw = j * stride - pad + b;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w && x[(pl * h + ih) * w + iw] == y[o]) {
                                first = (pl * h + ih) * w + iw;
                            }
                        }
                    }
                    dx[first] += dy[o];
                }
            }
        }
        return dx;
    }

    /** Nearest resize to oh x ow: source index floor(dst * in / out). */
    public static double[] nearest(double[] x, int planes, int h, int w, int oh, int ow) {
        double[] y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int si = (int) Math.floor((double) i * h / oh);
                    int sj = (int) Math.floor((double) j * w / ow);
                    y[(pl * oh + i) * ow + j] = x[(pl * h + si) * w + sj];
                }
            }
        }
        return y;
    }

    /**
     * Bilinear resize to oh x ow with align_corners=False: the source coordinate
     * (dst + 0.5) * in / out - 0.5, clamped at 0, interpolated between its two neighbours (the
     * upper one clamped to the last row or column).
     */
    public static double[] bilinear(double[] x, int planes, int h, int w, int oh, int ow) {
        double[] y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                double si = Math.max(0, (i + 0.5) * h / oh - 0.5);
                int i0 = (int) Math.floor(si);
                int i1 = Math.min(i0 + 1, h - 1);
                double fi = si - i0;
                for (int j = 0; j < ow; j++) {
                    double sj = Math.max(0, (j + 0.5) * w / ow - 0.5);
                    int j0 = (int) Math.floor(sj);
                    int j1 = Math.min(j0 + 1, w - 1);
                    double fj = sj - j0;
                    double top = (1 - fj) * x[(pl * h + i0) * w + j0] + fj * x[(pl * h + i0) * w + j1];
                    double bottom = (1 - fj) * x[(pl * h + i1) * w + j0] + fj * x[(pl * h + i1) * w + j1];
                    y[(pl * oh + i) * ow + j] = (1 - fi) * top + fi * bottom;
                }
            }
        }
        return y;
    }
}
