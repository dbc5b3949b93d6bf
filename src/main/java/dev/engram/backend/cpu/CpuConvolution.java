package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Tensor;

/** Convolution and bias ops of the CPU backend. */
final class CpuConvolution {
    private final CpuThreads threads;
    private final CpuGemm gemm;

    CpuConvolution(CpuThreads threads, CpuGemm gemm) {
        this.threads = threads;
        this.gemm = gemm;
    }

    void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        throw new UnsupportedOperationException("TODO conv2dForward");
    }

    void backwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx) {
        throw new UnsupportedOperationException("TODO conv2dBackwardData");
    }

    void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        throw new UnsupportedOperationException("TODO conv2dBackwardFilter");
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
