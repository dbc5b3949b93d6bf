package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;

import java.util.Arrays;

/**
 * Lowers the windows of a group of images of a convolution to one matrix and back, so that the
 * convolution of the whole group becomes one GEMM. The column matrix of {@code images}
 * consecutive images is [c*r*s, images*p*q]: row (ci*r + kr)*s + ks, column i*p*q + oh*q + ow
 * holds x_i[ci, oh*strideH - padH + kr*dilationH, ow*strideW - padW + ks*dilationW], or 0 where
 * that falls in the padding.
 *
 * <p>Also moves the output side between the batch layout [images, k, p*q] (NCHW) and the grouped
 * layout [k, images*p*q] that the GEMM reads and writes.
 */
final class Im2col {
    private Im2col() {
    }

    /** Rows [rowFrom, rowTo) of col [c*r*s, images*p*q] = the windows of images x [images, c, h, w]. */
    static void im2col(ConvGeometry g, float[] x, int xOff, int images, float[] col, int rowFrom, int rowTo) {
        int p = g.p();
        int q = g.q();
        int pq = p * q;
        int ld = images * pq;
        int imageSize = g.c() * g.h() * g.w();
        for (int row = rowFrom; row < rowTo; row++) {
            int ks = row % g.s();
            int kr = row / g.s() % g.r();
            int ci = row / (g.s() * g.r());
            int shiftW = ks * g.dilationW() - g.padW();
            int owLo = firstInside(shiftW, g.strideW(), q);
            int owHi = endInside(shiftW, g.strideW(), g.w(), q, owLo);
            for (int i = 0; i < images; i++) {
                int plane = xOff + i * imageSize + ci * g.h() * g.w();
                for (int oh = 0; oh < p; oh++) {
                    int dst = row * ld + i * pq + oh * q;
                    int ih = oh * g.strideH() - g.padH() + kr * g.dilationH();
                    if (ih < 0 || ih >= g.h()) {
                        Arrays.fill(col, dst, dst + q, 0f);
                        continue;
                    }
                    int src = plane + ih * g.w() + shiftW;
                    Arrays.fill(col, dst, dst + owLo, 0f);
                    if (g.strideW() == 1) {
                        System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                    } else {
                        for (int ow = owLo; ow < owHi; ow++) {
                            col[dst + ow] = x[src + ow * g.strideW()];
                        }
                    }
                    Arrays.fill(col, dst + owHi, dst + q, 0f);
                }
            }
        }
    }

    /**
     * Planes [planeFrom, planeTo) of dx [images, c, h, w], plane i*c + ci being channel ci of image
     * i: the adjoint of {@link #im2col}, every column entry added back to the pixel it was read from
     * (pixels shared by overlapping windows sum, always in the same order). Each plane is zeroed
     * first and then gathers from the r*s rows of its channel, so planes are independent work.
     */
    static void col2im(ConvGeometry g, float[] col, int images, float[] dx, int dxOff, int planeFrom, int planeTo) {
        int p = g.p();
        int q = g.q();
        int pq = p * q;
        int ld = images * pq;
        int planeSize = g.h() * g.w();
        for (int plane = planeFrom; plane < planeTo; plane++) {
            int i = plane / g.c();
            int ci = plane % g.c();
            int base = dxOff + plane * planeSize;
            Arrays.fill(dx, base, base + planeSize, 0f);
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = (ci * g.r() + kr) * g.s() + ks;
                    int shiftW = ks * g.dilationW() - g.padW();
                    int owLo = firstInside(shiftW, g.strideW(), q);
                    int owHi = endInside(shiftW, g.strideW(), g.w(), q, owLo);
                    for (int oh = 0; oh < p; oh++) {
                        int ih = oh * g.strideH() - g.padH() + kr * g.dilationH();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        int src = row * ld + i * pq + oh * q;
                        int dst = base + ih * g.w() + shiftW;
                        if (g.strideW() == 1) {
                            for (int ow = owLo; ow < owHi; ow++) {
                                dx[dst + ow] += col[src + ow];
                            }
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) {
                                dx[dst + ow * g.strideW()] += col[src + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Rows [rowFrom, rowTo) of grouped [rows, images*pq] = the same rows of each image of batch
     * [images, rows, pq]: gathers a group's output gradients for one GEMM.
     */
    static void group(float[] batch, int batchOff, int images, int rows, int pq, float[] grouped,
                      int rowFrom, int rowTo) {
        for (int row = rowFrom; row < rowTo; row++) {
            for (int i = 0; i < images; i++) {
                System.arraycopy(batch, batchOff + (i * rows + row) * pq, grouped, (row * images + i) * pq, pq);
            }
        }
    }

    /** Rows [rowFrom, rowTo) of each image of batch [images, rows, pq] = grouped [rows, images*pq]: the inverse of {@link #group}. */
    static void ungroup(float[] grouped, int images, int rows, int pq, float[] batch, int batchOff,
                        int rowFrom, int rowTo) {
        for (int row = rowFrom; row < rowTo; row++) {
            for (int i = 0; i < images; i++) {
                System.arraycopy(grouped, (row * images + i) * pq, batch, batchOff + (i * rows + row) * pq, pq);
            }
        }
    }

    /** First output column whose input column ow*stride + shift is >= 0 (at most q). */
    private static int firstInside(int shift, int stride, int q) {
        return shift >= 0 ? 0 : Math.min(q, (-shift + stride - 1) / stride);
    }

    /** One past the last output column whose input column ow*stride + shift is < width (at least lo). */
    private static int endInside(int shift, int stride, int width, int q, int lo) {
        return Math.max(lo, Math.min(q, Math.floorDiv(width - 1 - shift, stride) + 1));
    }
}
