package dev.engram.backend.cpu;

import dev.engram.tensor.Tensor;

/** Batch and layer normalisation of the CPU backend. */
final class CpuNormalization {
    private final CpuThreads threads;

    CpuNormalization(CpuThreads threads) {
        this.threads = threads;
    }

    void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float eps, float momentum,
                           Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        throw new UnsupportedOperationException("TODO batchNormForwardTraining");
    }

    void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                            Tensor y) {
        throw new UnsupportedOperationException("TODO batchNormForwardInference");
    }

    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                           Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("TODO batchNormBackward");
    }

    void layerNormForward(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        throw new UnsupportedOperationException("TODO layerNormForward");
    }

    void layerNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
                           Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("TODO layerNormBackward");
    }
}
