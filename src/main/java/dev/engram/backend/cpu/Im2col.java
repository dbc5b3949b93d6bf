package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;

import java.util.Arrays;

/**
 * Lowers the windows of one image of a convolution to a matrix and back, so that the convolution
 * becomes one GEMM per image. The column matrix is [c*r*s, p*q]: row (ci*r + kr)*s + ks, column
 * oh*q + ow holds x[ci, oh*strideH - padH + kr*dilationH, ow*strideW - padW + ks*dilationW], or 0
 * where that falls in the padding.
 */
final class Im2col {
    private Im2col() {
    }

    /** col [c*r*s, p*q] = the windows of image x [c, h, w]. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff) {
        int p = g.p();
        int q = g.q();
        int row = 0;
        for (int ci = 0; ci < g.c(); ci++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++, row++) {
                    int shiftW = ks * g.dilationW() - g.padW();
                    int owLo = firstInside(shiftW, g.strideW(), q);
                    int owHi = endInside(shiftW, g.strideW(), g.w(), q, owLo);
                    for (int oh = 0; oh < p; oh++) {
                        int dst = colOff + (row * p + oh) * q;
                        int ih = oh * g.strideH() - g.padH() + kr * g.dilationH();
                        if (ih < 0 || ih >= g.h()) {
                            Arrays.fill(col, dst, dst + q, 0f);
                            continue;
                        }
                        int src = xOff + (ci * g.h() + ih) * g.w() + shiftW;
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
    }

    /**
     * dx [c, h, w] = the adjoint of {@link #im2col}: every column entry added back to the pixel it
     * was read from (pixels shared by overlapping windows sum). dx is zeroed first.
     */
    static void col2im(ConvGeometry g, float[] col, int colOff, float[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + g.c() * g.h() * g.w(), 0f);
        int p = g.p();
        int q = g.q();
        int row = 0;
        for (int ci = 0; ci < g.c(); ci++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++, row++) {
                    int shiftW = ks * g.dilationW() - g.padW();
                    int owLo = firstInside(shiftW, g.strideW(), q);
                    int owHi = endInside(shiftW, g.strideW(), g.w(), q, owLo);
                    for (int oh = 0; oh < p; oh++) {
                        int ih = oh * g.strideH() - g.padH() + kr * g.dilationH();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        int src = colOff + (row * p + oh) * q;
                        int dst = dxOff + (ci * g.h() + ih) * g.w() + shiftW;
                        for (int ow = owLo; ow < owHi; ow++) {
                            dx[dst + ow * g.strideW()] += col[src + ow];
                        }
                    }
                }
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
