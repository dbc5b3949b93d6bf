package dev.engram.backend.cpu;

import dev.engram.backend.Activation;
import dev.engram.tensor.Tensor;

/** Pointwise activations of the CPU backend. */
final class CpuActivations {
    private final CpuThreads threads;

    CpuActivations(CpuThreads threads) {
        this.threads = threads;
    }

    void forward(Activation act, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("TODO activationForward");
    }

    void backward(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("TODO activationBackward");
    }
}
