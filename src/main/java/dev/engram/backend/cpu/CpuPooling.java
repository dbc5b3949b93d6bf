package dev.engram.backend.cpu;

import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Tensor;

/** Pooling and upsampling ops of the CPU backend. */
final class CpuPooling {
    private final CpuThreads threads;

    CpuPooling(CpuThreads threads) {
        this.threads = threads;
    }

    void maxForward(PoolGeometry g, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("TODO maxPool2dForward");
    }

    void maxBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("TODO maxPool2dBackward");
    }

    void avgForward(PoolGeometry g, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("TODO avgPool2dForward");
    }

    void avgBackward(PoolGeometry g, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("TODO avgPool2dBackward");
    }

    void upsampleForward(UpsampleMode mode, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("TODO upsample2dForward");
    }

    void upsampleBackward(UpsampleMode mode, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("TODO upsample2dBackward");
    }
}
