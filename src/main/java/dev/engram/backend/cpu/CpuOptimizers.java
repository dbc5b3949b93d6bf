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

    CpuOptimizers(CpuThreads threads, CpuElementwise elementwise) {
        this.threads = threads;
        this.elementwise = elementwise;
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
        float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
        float biasCorrection2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float oneMinusBeta1 = (float) (1.0 - beta1);
        float oneMinusBeta2 = (float) (1.0 - beta2);
        float decay = (float) (1.0 - (double) lr * weightDecay);
        float l2 = decoupledWeightDecay ? 0f : weightDecay;
        boolean decoupled = decoupledWeightDecay && weightDecay != 0f;
        threads.forRange(size(param), CpuElementwise.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[po + i];
                float gi = g[go + i];
                if (decoupled) {
                    pi *= decay;
                } else if (l2 != 0f) {
                    gi += l2 * pi;
                }
                float mi = beta1 * md[mo + i] + oneMinusBeta1 * gi;
                float vi = beta2 * vd[vo + i] + oneMinusBeta2 * gi * gi;
                md[mo + i] = mi;
                vd[vo + i] = vi;
                float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + eps;
                p[po + i] = pi - stepSize * mi / denom;
            }
        });
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
