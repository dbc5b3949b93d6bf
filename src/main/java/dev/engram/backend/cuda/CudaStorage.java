package dev.engram.backend.cuda;

import dev.engram.tensor.DType;
import dev.engram.tensor.Storage;
import jcuda.driver.CUdeviceptr;

/** Device memory of the CUDA backend: one block of its caching allocator, given back on free. */
final class CudaStorage extends Storage {
    private final CachingAllocator<CUdeviceptr> allocator;
    private final CUdeviceptr base;

    CudaStorage(long numel, CachingAllocator<CUdeviceptr> allocator) {
        super(DType.FLOAT32, numel);
        this.allocator = allocator;
        this.base = allocator.allocate(numel * Float.BYTES);
    }

    /** The device address of element {@code offset}. */
    CUdeviceptr at(long offset) {
        checkLive();
        return offset == 0 ? base : base.withByteOffset(offset * Float.BYTES);
    }

    @Override
    protected void free() {
        allocator.free(base);
    }
}
