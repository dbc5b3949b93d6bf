package dev.engram.backend.cpu;

import dev.engram.backend.LossKind;
import dev.engram.tensor.Tensor;

/** Losses, the Gaussian KL term and the reparameterisation of the CPU backend. */
final class CpuLosses {
    private final CpuThreads threads;
    private final CpuElementwise elementwise;

    CpuLosses(CpuThreads threads, CpuElementwise elementwise) {
        this.threads = threads;
        this.elementwise = elementwise;
    }

    void lossForward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor out) {
        throw new UnsupportedOperationException("TODO lossForward");
    }

    void lossBackward(LossKind kind, Tensor pred, Tensor target, float scale, Tensor dpred) {
        throw new UnsupportedOperationException("TODO lossBackward");
    }

    void klForward(Tensor stats, float scale, Tensor out) {
        throw new UnsupportedOperationException("TODO gaussianKlForward");
    }

    void klBackward(Tensor stats, float scale, Tensor dstats) {
        throw new UnsupportedOperationException("TODO gaussianKlBackward");
    }

    void reparameterizeForward(Tensor stats, Tensor eps, Tensor z) {
        throw new UnsupportedOperationException("TODO reparameterizeForward");
    }

    void reparameterizeBackward(Tensor stats, Tensor eps, Tensor dz, Tensor dstats) {
        throw new UnsupportedOperationException("TODO reparameterizeBackward");
    }
}
