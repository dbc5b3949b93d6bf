package dev.engram.backend.cpu;

import dev.engram.tensor.Tensor;

/** Fused optimizer steps and gradient clipping of the CPU backend. */
final class CpuOptimizers {
    private final CpuThreads threads;
    private final CpuElementwise elementwise;

    CpuOptimizers(CpuThreads threads, CpuElementwise elementwise) {
        this.threads = threads;
        this.elementwise = elementwise;
    }

    void sgd(Tensor param, Tensor grad, Tensor momentumBuf, float lr, float momentum, float dampening,
             float weightDecay, boolean nesterov, boolean firstStep) {
        throw new UnsupportedOperationException("TODO sgdStep");
    }

    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
              float weightDecay, boolean decoupledWeightDecay, int step) {
        throw new UnsupportedOperationException("TODO adamStep");
    }

    void clipGradNorm(Tensor grad, float maxNorm, Tensor normOut) {
        throw new UnsupportedOperationException("TODO clipGradNorm");
    }
}
