package dev.engram.backend.cuda;

import dev.engram.tensor.DType;
import dev.engram.tensor.Storage;

/** Device memory of the CUDA backend: one block of its caching allocator, given back on free. */
final class CudaStorage extends Storage {
    private final CachingAllocator<DeviceAddress> allocator;
    private final DeviceAddress base;

    CudaStorage(long numel, CachingAllocator<DeviceAddress> allocator) {
        super(DType.FLOAT32, numel);
        this.allocator = allocator;
        this.base = allocator.allocate(numel * Float.BYTES);
    }

    /** The device address of element {@code offset}. */
    DeviceAddress at(long offset) {
        checkLive();
        return offset == 0 ? base : base.withByteOffset(offset * Float.BYTES);
    }

    @Override
    protected void free() {
        allocator.free(base);
    }
}
