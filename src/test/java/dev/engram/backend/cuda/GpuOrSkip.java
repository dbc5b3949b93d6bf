package dev.engram.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The GPU parity tests' device: CUDA device 0 (TF32 off), or a JUnit skip saying why there is none. */
final class GpuOrSkip {
    private GpuOrSkip() {
    }

    static CudaBackend open() {
        Availability a = CudaLibraries.all();
        assumeTrue(a.available(), () -> "CUDA not available: " + a.detail());
        return CudaBackend.open(0, false);
    }
}
