package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Tensor;

import java.util.Arrays;

/**
 * Convolution and bias ops of the CPU backend. A convolution is lowered to one GEMM per image:
 * the image's windows become a column matrix ({@link Im2col}) of [c*r*s, p*q], and
 * y_n [k, p*q] = W [k, c*r*s] col_n. A 1x1 convolution with stride 1 and no padding needs no
 * lowering: the image [c, h*w] is its own column matrix.
 *
 * <p>Images run in parallel, each with a serial GEMM and its chunk's column buffer; a batch
 * smaller than the thread count runs image by image with the parallel GEMM instead. Every output
 * element is then one dot product in a fixed order, so forward and backward-data do not depend on
 * the thread count (given that CpuGemm's serial and parallel paths agree element by element).
 * The filter gradient sums per-chunk partials in chunk order: deterministic for a thread count.
 * The workspaces are shared by the backend's convolutions, so these run one at a time.
 */
final class CpuConvolution {
    /** The GEMM signature of {@link CpuGemm}, so an image task can run the serial or the parallel one. */
    @FunctionalInterface
    private interface Gemm {
        void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff);
    }

    /** The work of one image, using the buffers of {@code chunk} and the given GEMM. */
    @FunctionalInterface
    private interface ImageTask {
        void run(int chunk, int image, Gemm gemm);
    }

    private final CpuThreads threads;
    private final Gemm serialGemm;
    private final Gemm parallelGemm;
    /** Column matrices [c*r*s, p*q], one per chunk. */
    private final Workspaces columns;
    /** Partial filter gradients [k, c*r*s], one per chunk. */
    private final Workspaces partialFilterGrads;

    CpuConvolution(CpuThreads threads, CpuGemm gemm) {
        this.threads = threads;
        this.serialGemm = gemm::gemmSerial;
        this.parallelGemm = gemm::gemm;
        this.columns = new Workspaces(threads.count());
        this.partialFilterGrads = new Workspaces(threads.count());
    }

    /** y_n = W col(x_n). */
    synchronized void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        float[] xd = CpuBackend.data(x);
        float[] wd = CpuBackend.data(w);
        float[] yd = CpuBackend.data(y);
        int xo = CpuBackend.offset(x);
        int wo = CpuBackend.offset(w);
        int yo = CpuBackend.offset(y);
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int imageSize = g.c() * g.h() * g.w();
        boolean pointwise = isPointwise(g);
        forEachImage(g.n(), (chunk, i, gemm) -> {
            float[] col = xd;
            int colOff = xo + i * imageSize;
            if (!pointwise) {
                col = columns.get(chunk, crs * pq);
                Im2col.im2col(g, xd, colOff, col, 0);
                colOff = 0;
            }
            gemm.run(false, false, g.k(), pq, crs, 1f, wd, wo, col, colOff, 0f, yd, yo + i * g.k() * pq);
        });
    }

    /** dx_n = col2im(W^T dy_n), assigned. */
    synchronized void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        float[] dyd = CpuBackend.data(dy);
        float[] wd = CpuBackend.data(w);
        float[] dxd = CpuBackend.data(dx);
        int dyo = CpuBackend.offset(dy);
        int wo = CpuBackend.offset(w);
        int dxo = CpuBackend.offset(dx);
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int imageSize = g.c() * g.h() * g.w();
        boolean pointwise = isPointwise(g);
        forEachImage(g.n(), (chunk, i, gemm) -> {
            int dyOff = dyo + i * g.k() * pq;
            int dxOff = dxo + i * imageSize;
            if (pointwise) {
                gemm.run(true, false, crs, pq, g.k(), 1f, wd, wo, dyd, dyOff, 0f, dxd, dxOff);
                return;
            }
            float[] col = columns.get(chunk, crs * pq);
            gemm.run(true, false, crs, pq, g.k(), 1f, wd, wo, dyd, dyOff, 0f, col, 0);
            Im2col.col2im(g, col, 0, dxd, dxOff);
        });
    }

    /** dw += sum over images of dy_n col(x_n)^T: per-chunk partials, then added in chunk order. */
    synchronized void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        float[] xd = CpuBackend.data(x);
        float[] dyd = CpuBackend.data(dy);
        float[] dwd = CpuBackend.data(dw);
        int xo = CpuBackend.offset(x);
        int dyo = CpuBackend.offset(dy);
        int dwo = CpuBackend.offset(dw);
        int crs = g.c() * g.r() * g.s();
        int pq = g.p() * g.q();
        int imageSize = g.c() * g.h() * g.w();
        int filterSize = g.k() * crs;
        boolean pointwise = isPointwise(g);
        int chunks = imageChunks(g.n());
        float[][] partials = new float[chunks][];
        for (int c = 0; c < chunks; c++) {
            partials[c] = partialFilterGrads.get(c, filterSize);
            Arrays.fill(partials[c], 0, filterSize, 0f);
        }
        forEachImage(g.n(), (chunk, i, gemm) -> {
            float[] col = xd;
            int colOff = xo + i * imageSize;
            if (!pointwise) {
                col = columns.get(chunk, crs * pq);
                Im2col.im2col(g, xd, colOff, col, 0);
                colOff = 0;
            }
            gemm.run(false, true, g.k(), crs, pq, 1f, dyd, dyo + i * g.k() * pq, col, colOff, 1f, partials[chunk], 0);
        });
        threads.forRange(filterSize, CpuElementwise.GRAIN, (from, to) -> {
            for (int j = from; j < to; j++) {
                double s = 0;
                for (float[] partial : partials) {
                    s += partial[j];
                }
                dwd[dwo + j] += (float) s;
            }
        });
    }

    /** A 1x1 convolution with stride 1 and no padding reads each image as its own column matrix. */
    private static boolean isPointwise(ConvGeometry g) {
        return g.r() == 1 && g.s() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** How many chunks of images run in parallel: one when the batch is smaller than the thread count. */
    private int imageChunks(int images) {
        return images >= threads.count() ? threads.chunks(images, 1) : 1;
    }

    /**
     * Runs task for every image: in parallel chunks of images with a serial GEMM each, or, for a
     * batch smaller than the thread count, one image after another with the parallel GEMM.
     */
    private void forEachImage(int images, ImageTask task) {
        if (imageChunks(images) > 1) {
            threads.forChunks(images, 1, (chunk, from, to) -> {
                for (int i = from; i < to; i++) {
                    task.run(chunk, i, serialGemm);
                }
            });
        } else {
            for (int i = 0; i < images; i++) {
                task.run(0, i, parallelGemm);
            }
        }
    }

    /** y[n, c, i] += bias[c] for y viewed as [N, C, inner]. */
    void biasAdd(Tensor y, Tensor bias) {
        float[] yd = CpuBackend.data(y);
        float[] bd = CpuBackend.data(bias);
        int yo = CpuBackend.offset(y);
        int bo = CpuBackend.offset(bias);
        int channels = y.shape().dim(1);
        int inner = (int) y.shape().numelFrom(2);
        int planes = (int) (y.numel() / inner);
        threads.forRange(planes, Math.max(1, CpuElementwise.GRAIN / Math.max(1, inner)), (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                float b = bd[bo + plane % channels];
                int base = yo + plane * inner;
                for (int i = 0; i < inner; i++) {
                    yd[base + i] += b;
                }
            }
        });
    }

    /** dbias[c] += sum of dy[n, c, i] over n and i, summed in double per channel. */
    void biasBackward(Tensor dy, Tensor dbias) {
        float[] g = CpuBackend.data(dy);
        float[] db = CpuBackend.data(dbias);
        int go = CpuBackend.offset(dy);
        int bo = CpuBackend.offset(dbias);
        int channels = dy.shape().dim(1);
        int inner = (int) dy.shape().numelFrom(2);
        int batch = dy.shape().dim(0);
        threads.forRange(channels, 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                double s = 0;
                for (int n = 0; n < batch; n++) {
                    int base = go + (n * channels + c) * inner;
                    for (int i = 0; i < inner; i++) {
                        s += g[base + i];
                    }
                }
                db[bo + c] += (float) s;
            }
        });
    }
}
