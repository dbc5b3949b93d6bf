package dev.engram.backend.cpu;

import dev.engram.tensor.Tensor;

import static dev.engram.backend.cpu.CpuBackend.data;
import static dev.engram.backend.cpu.CpuBackend.offset;
import static dev.engram.backend.cpu.CpuBackend.size;

/**
 * Fused optimizer steps and gradient clipping of the CPU backend: one pass over the flat
 * parameter buffer per step. Scalars that depend only on the step (bias corrections, decay
 * factors) are computed once in double, as PyTorch does in Python; the per-element update runs in
 * float, as PyTorch's float32 kernels do.
 */
final class CpuOptimizers {
    /** Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does. */
    private static final double CLIP_EPS = 1e-6;

    private final CpuThreads threads;
    private final CpuElementwise elementwise;
    private final PointwiseKernel pointwise;

    CpuOptimizers(CpuThreads threads, CpuElementwise elementwise, PointwiseKernel pointwise) {
        this.threads = threads;
        this.elementwise = elementwise;
        this.pointwise = pointwise;
    }

    void sgd(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum, float dampening,
             float weightDecay, boolean nesterov, boolean firstStep) {
        float[] p = data(param);
        float[] g = data(grad);
        float[] buf = momentum != 0f ? data(momentumBuf) : null;
        int po = offset(param);
        int go = offset(grad);
        int bo = momentum != 0f ? offset(momentumBuf) : 0;
        float keep = (float) (1.0 - dampening);
        threads.forRange(size(param), CpuElementwise.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[po + i];
                float gi = weightDecay != 0f ? g[go + i] + weightDecay * pi : g[go + i];
                if (buf != null) {
                    // PyTorch starts the buffer at the first gradient itself, undamped.
                    float b = firstStep ? gi : momentum * buf[bo + i] + keep * gi;
                    buf[bo + i] = b;
                    gi = nesterov ? gi + momentum * b : b;
                }
                p[po + i] = pi - lr * gi;
            }
        });
    }

    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
              float weightDecay, boolean decoupledWeightDecay, int step) {
        float[] p = data(param);
        float[] g = data(grad);
        float[] md = data(m);
        float[] vd = data(v);
        int po = offset(param);
        int go = offset(grad);
        int mo = offset(m);
        int vo = offset(v);
        PointwiseKernel.AdamStep scalars =
                PointwiseKernel.AdamStep.of(lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, step);
        threads.forRange(size(param), CpuElementwise.GRAIN,
                (from, to) -> pointwise.adam(scalars, p, po + from, g, go + from, md, mo + from, vd, vo + from, to - from));
    }

    void clipGradNorm(Tensor grad, float maxNorm, Tensor normOut) {
        float[] g = data(grad);
        int go = offset(grad);
        int n = size(grad);
        double norm = Math.sqrt(elementwise.sumOfSquares(g, go, n));
        data(normOut)[offset(normOut)] = (float) norm;
        if (norm > maxNorm) {
            elementwise.axpby((float) (maxNorm / (norm + CLIP_EPS)), g, go, 0f, g, go, n);
        }
    }
}
