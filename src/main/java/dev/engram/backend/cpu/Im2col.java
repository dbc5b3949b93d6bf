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
 * <p>Also moves a tensor between the batch layout [images, rows, p*q] (NCHW) and the grouped layout
 * [rows, images*p*q] that the GEMM reads and writes: outputs and their gradients, and the inputs
 * of a 1x1 convolution with stride 1 and no padding, whose column matrix that grouped layout is.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Where each window tap reads: for tap (kr, ks) and output pixel oh*q + ow, entry
     * (kr*s + ks)*p*q + oh*q + ow is the offset in an input plane, or -1 in the padding. The taps
     * of every channel and image read the same offsets, so the lowering loops below run one flat
     * loop of p*q per tap instead of short, padded lines (late autoencoder layers have lines of 4).
     */
    static int[] tapOffsets(ConvGeometry g) {
        int p = g.p();
        int q = g.q();
        int[] offsets = new int[g.r() * g.s() * p * q];
        int t = 0;
        for (int kr = 0; kr < g.r(); kr++) {
            for (int ks = 0; ks < g.s(); ks++) {
                for (int oh = 0; oh < p; oh++) {
                    int ih = oh * g.strideH() - g.padH() + kr * g.dilationH();
                    for (int ow = 0; ow < q; ow++, t++) {
                        int iw = ow * g.strideW() - g.padW() + ks * g.dilationW();
                        offsets[t] = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w() ? ih * g.w() + iw : -1;
                    }
                }
            }
        }
        return offsets;
    }

    /**
     * Rows [rowFrom, rowTo) of col [c*r*s, images*p*q] = the windows of images x [images, c, h, w];
     * {@code offsets} is {@link #tapOffsets}(g).
     */
    static void im2col(ConvGeometry g, int[] offsets, float[] x, int xOff, int images, float[] col,
                       int rowFrom, int rowTo) {
        int pq = g.p() * g.q();
        int taps = g.r() * g.s();
        int planeSize = g.h() * g.w();
        int imageSize = g.c() * planeSize;
        for (int row = rowFrom; row < rowTo; row++) {
            int tap = (row % taps) * pq;
            int plane = xOff + row / taps * planeSize;
            for (int i = 0, dst = row * images * pq; i < images; i++, dst += pq, plane += imageSize) {
                for (int j = 0; j < pq; j++) {
                    int o = offsets[tap + j];
                    col[dst + j] = o < 0 ? 0f : x[plane + o];
                }
            }
        }
    }

    /**
     * Planes [from, to) of dx [images, c, h, w], where plane u is channel u / images of image
     * u % images: the adjoint of {@link #im2col}, every column entry added back to the pixel it was
     * read from (pixels shared by overlapping windows sum, always in tap order). Consecutive planes
     * are one channel of consecutive images, so they read consecutive columns of the same r*s rows.
     * Each plane is zeroed first and written by one task only, so planes are independent.
     */
    static void col2im(ConvGeometry g, int[] offsets, float[] col, int images, float[] dx, int dxOff,
                       int from, int to) {
        int pq = g.p() * g.q();
        int taps = g.r() * g.s();
        int planeSize = g.h() * g.w();
        for (int u = from; u < to; u++) {
            int ci = u / images;
            int i = u % images;
            int base = dxOff + (i * g.c() + ci) * planeSize;
            Arrays.fill(dx, base, base + planeSize, 0f);
            for (int tap = 0; tap < taps; tap++) {
                int src = ((ci * taps + tap) * images + i) * pq;
                for (int j = 0, t = tap * pq; j < pq; j++, t++) {
                    int o = offsets[t];
                    if (o >= 0) {
                        dx[base + o] += col[src + j];
                    }
                }
            }
        }
    }

    /** Rows [rowFrom, rowTo) of grouped [rows, images*pq] = the same rows of each image of batch [images, rows, pq]. */
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
}
