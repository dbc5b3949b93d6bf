package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Tensor;

/**
 * Convolution and bias ops of the CPU backend. A pass whose register tiles would hold many channels
 * in their lanes runs as {@link DirectConvolution} when the Vector API is present (forward with many
 * output channels, backward-data with many input channels, the filter gradient with either); any
 * other pass is lowered to one GEMM per group of
 * images: the group's windows become a column matrix ({@link Im2col}) of [c*r*s, images*p*q], and
 * y_group [k, images*p*q] = W [k, c*r*s] col_group. Grouping makes the GEMM wide (n = images*p*q
 * instead of p*q), so the weights are packed once per group instead of once per image: with the
 * small late feature maps of an autoencoder (4x4, 8x8) per-image GEMMs spent more time packing
 * than multiplying. The GEMM works in the grouped layout [k, images*p*q]; the output side is
 * moved from and to the batch layout [images, k, p*q] by a copy, skipped for a group of one image.
 * A 1x1 convolution with stride 1 and no padding needs no im2col: its column matrix is the
 * group's images in the grouped layout (a plain copy), or a lone image [c, h*w] itself.
 *
 * <p>Groups run one after another; each stage (lowering, GEMM, copy, col2im) runs on all threads
 * over disjoint outputs. Every output element of forward and backward-data is one dot product in
 * a fixed order (CpuGemm's results do not depend on its split), whatever the thread count or the
 * group size. The filter gradient is one GEMM per group accumulated into dw in group order, and
 * the group size depends on the geometry alone, so it too is bit-identical for any thread count.
 * The scratch arrays are shared by the backend's convolutions, so these run one at a time.
 */
final class CpuConvolution {
    /**
     * Columns worth gathering into one GEMM: CpuGemm packs the weights once per block of 2048
     * columns, so narrower groups would pack them more often.
     */
    private static final int GROUP_COLUMNS = 2048;
    /**
     * Least GEMM work per group (floating-point operations, about 0.5 ms on two cores). Each group
     * runs three or four parallel stages, each ending in a join of a few microseconds; thin layers
     * (3 input channels, 27 multiply-adds per output) need many images per group to dwarf that.
     */
    private static final long GROUP_FLOPS = 1L << 26;
    /** Most floats of a group's column matrix (16 MiB), so that it stays in the last-level cache. */
    private static final long MAX_COLUMN_FLOATS = 1L << 22;

    private final CpuThreads threads;
    private final CpuGemm gemm;
    /** The bias gradient's sums. */
    private final PointwiseKernel pointwise;
    /** For layers it suits, when the Vector API is present; null otherwise. */
    private final DirectConvolution direct;
    /** A group's column matrix [c*r*s, images*p*q]. */
    private final Scratch columns = new Scratch();
    /** A group's output or output gradient in the grouped layout [k, images*p*q]. */
    private final Scratch grouped = new Scratch();

    CpuConvolution(CpuThreads threads, CpuGemm gemm, PointwiseKernel pointwise) {
        this.threads = threads;
        this.gemm = gemm;
        this.pointwise = pointwise;
        this.direct = DirectConvKernel.vector().map(kernel -> new DirectConvolution(threads, kernel)).orElse(null);
    }


    /** y_group = W col(x_group). */
    synchronized void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        float[] xd = CpuBackend.data(x);
        float[] wd = CpuBackend.data(w);
        float[] yd = CpuBackend.data(y);
        int wo = CpuBackend.offset(w);
        if (direct != null && DirectConvolution.suitsForward(g)) {
            direct.forward(g, xd, CpuBackend.offset(x), wd, wo, yd, CpuBackend.offset(y));
            return;
        }
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int groupSize = groupSize(g);
        for (int first = 0; first < g.n(); first += groupSize) {
            int images = Math.min(groupSize, g.n() - first);
            int cols = images * pq;
            int xOff = CpuBackend.offset(x) + first * imageSize(g);
            int yOff = CpuBackend.offset(y) + first * g.k() * pq;
            float[] col = xd;
            int colOff = xOff;
            if (!readsImageDirectly(g, images)) {
                col = lower(g, xd, xOff, images);
                colOff = 0;
            }
            if (images == 1) {
                gemm.gemm(false, false, g.k(), cols, crs, 1f, wd, wo, col, colOff, 0f, yd, yOff);
            } else {
                float[] out = grouped.get(g.k() * cols);
                gemm.gemm(false, false, g.k(), cols, crs, 1f, wd, wo, col, colOff, 0f, out, 0);
                rows(g.k(), cols, (from, to) -> Im2col.ungroup(out, images, g.k(), pq, yd, yOff, from, to));
            }
        }
    }

    /** dx_group = col2im(W^T dy_group), assigned. */
    synchronized void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        float[] dyd = CpuBackend.data(dy);
        float[] wd = CpuBackend.data(w);
        float[] dxd = CpuBackend.data(dx);
        int wo = CpuBackend.offset(w);
        if (direct != null && DirectConvolution.suitsBackwardData(g)) {
            direct.backwardData(g, dyd, CpuBackend.offset(dy), wd, wo, dxd, CpuBackend.offset(dx));
            return;
        }
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int groupSize = groupSize(g);
        for (int first = 0; first < g.n(); first += groupSize) {
            int images = Math.min(groupSize, g.n() - first);
            int cols = images * pq;
            int dxOff = CpuBackend.offset(dx) + first * imageSize(g);
            float[] grad = dyd;
            int gradOff = CpuBackend.offset(dy) + first * g.k() * pq;
            if (images > 1) {
                grad = group(dyd, gradOff, images, g.k(), pq);
                gradOff = 0;
            }
            if (readsImageDirectly(g, images)) {
                gemm.gemm(true, false, crs, cols, g.k(), 1f, wd, wo, grad, gradOff, 0f, dxd, dxOff);
                continue;
            }
            float[] col = columns.get(crs * cols);
            gemm.gemm(true, false, crs, cols, g.k(), 1f, wd, wo, grad, gradOff, 0f, col, 0);
            if (isPointwise(g)) {
                rows(g.c(), cols, (from, to) -> Im2col.ungroup(col, images, g.c(), pq, dxd, dxOff, from, to));
            } else {
                int[] offsets = Im2col.tapOffsets(g);
                threads.forRange(images * g.c(), Math.max(1, CpuElementwise.GRAIN / (g.r() * g.s() * pq)),
                        (from, to) -> Im2col.col2im(g, offsets, col, images, dxd, dxOff, from, to));
            }
        }
    }

    /** dw += sum over groups, in order, of dy_group col(x_group)^T. */
    synchronized void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        float[] xd = CpuBackend.data(x);
        float[] dyd = CpuBackend.data(dy);
        float[] dwd = CpuBackend.data(dw);
        int dwo = CpuBackend.offset(dw);
        if (direct != null && DirectConvolution.suitsBackwardFilter(g)) {
            direct.backwardFilter(g, xd, CpuBackend.offset(x), dyd, CpuBackend.offset(dy), dwd, dwo);
            return;
        }
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int groupSize = groupSize(g);
        for (int first = 0; first < g.n(); first += groupSize) {
            int images = Math.min(groupSize, g.n() - first);
            int cols = images * pq;
            int xOff = CpuBackend.offset(x) + first * imageSize(g);
            float[] grad = dyd;
            int gradOff = CpuBackend.offset(dy) + first * g.k() * pq;
            if (images > 1) {
                grad = group(dyd, gradOff, images, g.k(), pq);
                gradOff = 0;
            }
            float[] col = xd;
            int colOff = xOff;
            if (!readsImageDirectly(g, images)) {
                col = lower(g, xd, xOff, images);
                colOff = 0;
            }
            gemm.gemm(false, true, g.k(), crs, cols, 1f, grad, gradOff, col, colOff, 1f, dwd, dwo);
        }
    }

    /**
     * Images per GEMM: enough for {@link #GROUP_COLUMNS} columns and {@link #GROUP_FLOPS} of work,
     * fewer if the column matrix would pass {@link #MAX_COLUMN_FLOATS}, then evened out so the last
     * group is not a small remainder. It depends on the geometry alone, never on the thread count
     * (the filter gradient's rounding depends on it).
     */
    static int groupSize(ConvGeometry g) {
        long pq = (long) g.p() * g.q();
        long crs = (long) g.c() * g.r() * g.s();
        long flopsPerImage = 2 * g.k() * crs * pq;
        long wanted = Math.max(ceilDiv(GROUP_COLUMNS, pq), ceilDiv(GROUP_FLOPS, flopsPerImage));
        int size = (int) Math.max(1, Math.min(g.n(), Math.min(wanted, MAX_COLUMN_FLOATS / (crs * pq))));
        int groups = (int) ceilDiv(g.n(), size);
        return (int) ceilDiv(g.n(), groups);
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }

    /**
     * A 1x1 convolution with stride 1 and no padding: its column matrix is the images themselves,
     * [c, images*h*w] in the grouped layout, so lowering is a plain copy and a lone image needs none.
     */
    private static boolean isPointwise(ConvGeometry g) {
        return g.r() == 1 && g.s() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    private static boolean readsImageDirectly(ConvGeometry g, int images) {
        return images == 1 && isPointwise(g);
    }

    private static int imageSize(ConvGeometry g) {
        return g.c() * g.h() * g.w();
    }

    /** The column matrix of {@code images} images starting at x[xOff], in {@link #columns}. */
    private float[] lower(ConvGeometry g, float[] x, int xOff, int images) {
        int crs = g.c() * g.r() * g.s();
        int cols = images * g.p() * g.q();
        float[] col = columns.get(crs * cols);
        if (isPointwise(g)) {
            rows(crs, cols, (from, to) -> Im2col.group(x, xOff, images, crs, g.p() * g.q(), col, from, to));
        } else {
            int[] offsets = Im2col.tapOffsets(g);
            rows(crs, cols, (from, to) -> Im2col.im2col(g, offsets, x, xOff, images, col, from, to));
        }
        return col;
    }

    /** dy of {@code images} images starting at dy[off], as [k, images*p*q] in {@link #grouped}. */
    private float[] group(float[] dy, int off, int images, int k, int pq) {
        float[] out = grouped.get(k * images * pq);
        rows(k, images * pq, (from, to) -> Im2col.group(dy, off, images, k, pq, out, from, to));
        return out;
    }

    /** Runs body over {@code count} rows of {@code width} elements each, on all threads. */
    private void rows(int count, int width, CpuThreads.Range body) {
        threads.forRange(count, Math.max(1, CpuElementwise.GRAIN / Math.max(1, width)), body);
    }

    /** y[n, c, i] += bias[c] for y viewed as [N, C, inner]. */
    void biasAdd(Tensor y, Tensor bias) {
        float[] yd = CpuBackend.data(y);
        float[] bd = CpuBackend.data(bias);
        int yo = CpuBackend.offset(y);
        int bo = CpuBackend.offset(bias);
        int channels = y.shape().dim(1);
        int inner = (int) y.shape().numelFrom(2);
        if (inner == 1) {
            // A Linear's output [N, C]: add the bias row to each row, a loop C2 vectorises.
            threads.forRange(y.shape().dim(0), Math.max(1, CpuElementwise.GRAIN / channels), (from, to) -> {
                for (int n = from; n < to; n++) {
                    int row = yo + n * channels;
                    for (int c = 0; c < channels; c++) {
                        yd[row + c] += bd[bo + c];
                    }
                }
            });
            return;
        }
        int planes = (int) (y.numel() / inner);
        threads.forRange(planes, Math.max(1, CpuElementwise.GRAIN / inner), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                float b = bd[bo + plane % channels];
                int base = yo + plane * inner;
                for (int i = 0; i < inner; i++) {
                    yd[base + i] += b;
                }
            }
        });
    }

    /** dbias[c] += sum of dy[n, c, i] over n and i, summed in double per channel in a fixed order. */
    void biasBackward(Tensor dy, Tensor dbias) {
        float[] g = CpuBackend.data(dy);
        float[] db = CpuBackend.data(dbias);
        int go = CpuBackend.offset(dy);
        int bo = CpuBackend.offset(dbias);
        int channels = dy.shape().dim(1);
        int inner = (int) dy.shape().numelFrom(2);
        int batch = dy.shape().dim(0);
        if (inner == 1) {
            // [N, C]: walk the rows in order, summing a band of channels each, so reads are
            // contiguous; each channel's sum still runs over n in order.
            threads.forRange(channels, Math.max(1, CpuElementwise.GRAIN / batch), (from, to) -> {
                double[] sums = new double[to - from];
                for (int n = 0; n < batch; n++) {
                    int row = go + n * channels + from;
                    for (int c = 0; c < sums.length; c++) {
                        sums[c] += g[row + c];
                    }
                }
                for (int c = from; c < to; c++) {
                    db[bo + c] += (float) sums[c - from];
                }
            });
            return;
        }
        threads.forRange(channels, 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                double s = 0;
                for (int n = 0; n < batch; n++) {
                    s += pointwise.sum(g, go + (n * channels + c) * inner, inner);
                }
                db[bo + c] += (float) s;
            }
        });
    }
}
