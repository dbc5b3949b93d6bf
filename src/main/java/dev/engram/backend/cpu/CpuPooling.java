package dev.engram.backend.cpu;

import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Tensor;

import java.util.Arrays;

/**
 * Pooling and upsampling ops of the CPU backend. Every (image, channel) plane is independent, so
 * planes run in parallel and each is computed by one thread in a fixed order: results do not
 * depend on the thread count. Backward passes zero their plane of dx and then scatter into it.
 */
final class CpuPooling {
    /** Body of a parallel loop over planes. */
    @FunctionalInterface
    private interface PlaneTask {
        void run(int plane);
    }

    private final CpuThreads threads;

    CpuPooling(CpuThreads threads) {
        this.threads = threads;
    }

    /** y = the maximum of each window; padded cells count as -inf, a NaN in a window wins. */
    void maxForward(PoolGeometry g, Tensor x, Tensor y) {
        float[] xd = CpuBackend.data(x);
        float[] yd = CpuBackend.data(y);
        int inPlane = g.h() * g.w();
        int outPlane = g.outH() * g.outW();
        forEachPlane(g.n() * g.c(), (long) outPlane * g.kernelH() * g.kernelW(), plane -> {
            int in = CpuBackend.offset(x) + plane * inPlane;
            int out = CpuBackend.offset(y) + plane * outPlane;
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    yd[out + oh * g.outW() + ow] = xd[in + argmax(g, xd, in, oh, ow)];
                }
            }
        });
    }

    /**
     * dx = dy routed to the first maximum of each window, found again from x (so y is not needed
     * here); windows that overlap add up.
     */
    void maxBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        float[] xd = CpuBackend.data(x);
        float[] dyd = CpuBackend.data(dy);
        float[] dxd = CpuBackend.data(dx);
        int inPlane = g.h() * g.w();
        int outPlane = g.outH() * g.outW();
        forEachPlane(g.n() * g.c(), (long) outPlane * g.kernelH() * g.kernelW(), plane -> {
            int in = CpuBackend.offset(x) + plane * inPlane;
            int din = CpuBackend.offset(dx) + plane * inPlane;
            int dout = CpuBackend.offset(dy) + plane * outPlane;
            Arrays.fill(dxd, din, din + inPlane, 0f);
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    dxd[din + argmax(g, xd, in, oh, ow)] += dyd[dout + oh * g.outW() + ow];
                }
            }
        });
    }

    /**
     * Index within its plane of the first maximum of window (oh, ow) in row-major scan order.
     * Padded cells are -inf and so never the first maximum: the scan covers the image cells only,
     * of which every window has at least one (padding is at most half the kernel).
     */
    private static int argmax(PoolGeometry g, float[] x, int planeOff, int oh, int ow) {
        int top = oh * g.strideH() - g.padH();
        int left = ow * g.strideW() - g.padW();
        int hLo = Math.max(0, top);
        int hHi = Math.min(g.h(), top + g.kernelH());
        int wLo = Math.max(0, left);
        int wHi = Math.min(g.w(), left + g.kernelW());
        int best = hLo * g.w() + wLo;
        float bestValue = x[planeOff + best];
        for (int ih = hLo; ih < hHi; ih++) {
            for (int iw = wLo; iw < wHi; iw++) {
                float v = x[planeOff + ih * g.w() + iw];
                if (v > bestValue || (Float.isNaN(v) && !Float.isNaN(bestValue))) {
                    best = ih * g.w() + iw;
                    bestValue = v;
                }
            }
        }
        return best;
    }

    /** y = the mean of each window over kernelH * kernelW cells, padded cells counting as 0. */
    void avgForward(PoolGeometry g, Tensor x, Tensor y) {
        float[] xd = CpuBackend.data(x);
        float[] yd = CpuBackend.data(y);
        int inPlane = g.h() * g.w();
        int outPlane = g.outH() * g.outW();
        double cells = g.kernelH() * g.kernelW();
        forEachPlane(g.n() * g.c(), (long) outPlane * g.kernelH() * g.kernelW(), plane -> {
            int in = CpuBackend.offset(x) + plane * inPlane;
            int out = CpuBackend.offset(y) + plane * outPlane;
            for (int oh = 0; oh < g.outH(); oh++) {
                int top = oh * g.strideH() - g.padH();
                int hLo = Math.max(0, top);
                int hHi = Math.min(g.h(), top + g.kernelH());
                for (int ow = 0; ow < g.outW(); ow++) {
                    int left = ow * g.strideW() - g.padW();
                    int wLo = Math.max(0, left);
                    int wHi = Math.min(g.w(), left + g.kernelW());
                    double s = 0;
                    for (int ih = hLo; ih < hHi; ih++) {
                        for (int iw = wLo; iw < wHi; iw++) {
                            s += xd[in + ih * g.w() + iw];
                        }
                    }
                    yd[out + oh * g.outW() + ow] = (float) (s / cells);
                }
            }
        });
    }

    /** dx = each dy spread evenly over the kernelH * kernelW cells of its window (padded cells dropped). */
    void avgBackward(PoolGeometry g, Tensor dy, Tensor dx) {
        float[] dyd = CpuBackend.data(dy);
        float[] dxd = CpuBackend.data(dx);
        int inPlane = g.h() * g.w();
        int outPlane = g.outH() * g.outW();
        float perCell = 1f / (g.kernelH() * g.kernelW());
        forEachPlane(g.n() * g.c(), (long) outPlane * g.kernelH() * g.kernelW(), plane -> {
            int din = CpuBackend.offset(dx) + plane * inPlane;
            int dout = CpuBackend.offset(dy) + plane * outPlane;
            Arrays.fill(dxd, din, din + inPlane, 0f);
            for (int oh = 0; oh < g.outH(); oh++) {
                int top = oh * g.strideH() - g.padH();
                int hLo = Math.max(0, top);
                int hHi = Math.min(g.h(), top + g.kernelH());
                for (int ow = 0; ow < g.outW(); ow++) {
                    int left = ow * g.strideW() - g.padW();
                    int wLo = Math.max(0, left);
                    int wHi = Math.min(g.w(), left + g.kernelW());
                    float share = dyd[dout + oh * g.outW() + ow] * perCell;
                    for (int ih = hLo; ih < hHi; ih++) {
                        for (int iw = wLo; iw < wHi; iw++) {
                            dxd[din + ih * g.w() + iw] += share;
                        }
                    }
                }
            }
        });
    }

    /** y = x resized to y's height and width by {@code mode}. */
    void upsampleForward(UpsampleMode mode, Tensor x, Tensor y) {
        float[] xd = CpuBackend.data(x);
        float[] yd = CpuBackend.data(y);
        int inH = x.shape().dim(2);
        int inW = x.shape().dim(3);
        int outH = y.shape().dim(2);
        int outW = y.shape().dim(3);
        forEachPlane(x.shape().dim(0) * x.shape().dim(1), (long) outH * outW * 4, plane -> {
            int in = CpuBackend.offset(x) + plane * inH * inW;
            int out = CpuBackend.offset(y) + plane * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                if (mode == UpsampleMode.NEAREST) {
                    int row = in + nearest(oh, inH, outH) * inW;
                    for (int ow = 0; ow < outW; ow++) {
                        yd[out + oh * outW + ow] = xd[row + nearest(ow, inW, outW)];
                    }
                    continue;
                }
                double sh = bilinearSource(oh, inH, outH);
                int h0 = (int) sh;
                int h1 = Math.min(h0 + 1, inH - 1);
                float dh = (float) (sh - h0);
                int row0 = in + h0 * inW;
                int row1 = in + h1 * inW;
                for (int ow = 0; ow < outW; ow++) {
                    double sw = bilinearSource(ow, inW, outW);
                    int w0 = (int) sw;
                    int w1 = Math.min(w0 + 1, inW - 1);
                    float dw = (float) (sw - w0);
                    float top = (1 - dw) * xd[row0 + w0] + dw * xd[row0 + w1];
                    float bottom = (1 - dw) * xd[row1 + w0] + dw * xd[row1 + w1];
                    yd[out + oh * outW + ow] = (1 - dh) * top + dh * bottom;
                }
            }
        });
    }

    /** dx = the adjoint of {@link #upsampleForward}: each dy added back to the cells it was read from, by weight. */
    void upsampleBackward(UpsampleMode mode, Tensor dy, Tensor dx) {
        float[] dyd = CpuBackend.data(dy);
        float[] dxd = CpuBackend.data(dx);
        int inH = dx.shape().dim(2);
        int inW = dx.shape().dim(3);
        int outH = dy.shape().dim(2);
        int outW = dy.shape().dim(3);
        forEachPlane(dx.shape().dim(0) * dx.shape().dim(1), (long) outH * outW * 4, plane -> {
            int din = CpuBackend.offset(dx) + plane * inH * inW;
            int dout = CpuBackend.offset(dy) + plane * outH * outW;
            Arrays.fill(dxd, din, din + inH * inW, 0f);
            for (int oh = 0; oh < outH; oh++) {
                if (mode == UpsampleMode.NEAREST) {
                    int row = din + nearest(oh, inH, outH) * inW;
                    for (int ow = 0; ow < outW; ow++) {
                        dxd[row + nearest(ow, inW, outW)] += dyd[dout + oh * outW + ow];
                    }
                    continue;
                }
                double sh = bilinearSource(oh, inH, outH);
                int h0 = (int) sh;
                int h1 = Math.min(h0 + 1, inH - 1);
                float dh = (float) (sh - h0);
                int row0 = din + h0 * inW;
                int row1 = din + h1 * inW;
                for (int ow = 0; ow < outW; ow++) {
                    double sw = bilinearSource(ow, inW, outW);
                    int w0 = (int) sw;
                    int w1 = Math.min(w0 + 1, inW - 1);
                    float dw = (float) (sw - w0);
                    float g = dyd[dout + oh * outW + ow];
                    dxd[row0 + w0] += (1 - dh) * (1 - dw) * g;
                    dxd[row0 + w1] += (1 - dh) * dw * g;
                    dxd[row1 + w0] += dh * (1 - dw) * g;
                    dxd[row1 + w1] += dh * dw * g;
                }
            }
        });
    }

    /** Nearest source index floor(dst * in / out), in exact integer arithmetic. */
    private static int nearest(int dst, int in, int out) {
        return (int) ((long) dst * in / out);
    }

    /** Bilinear source coordinate with align_corners=False: (dst + 0.5) * in / out - 0.5, clamped at 0. */
    private static double bilinearSource(int dst, int in, int out) {
        return Math.max(0.0, (dst + 0.5) * in / out - 0.5);
    }

    /** Runs task over planes in parallel, about {@code workPerPlane} operations each. */
    private void forEachPlane(int planes, long workPerPlane, PlaneTask task) {
        long grain = Math.max(1, CpuElementwise.GRAIN / Math.max(1, workPerPlane));
        threads.forRange(planes, grain, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                task.run(plane);
            }
        });
    }
}
