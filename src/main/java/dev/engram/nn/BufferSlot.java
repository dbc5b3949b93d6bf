package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * A buffer a module reuses on every call (its output, its input gradient). It grows when a larger
 * shape comes and serves smaller ones (the last, partial batch) as a prefix, so a training loop
 * allocates nothing after its first step.
 */
public final class BufferSlot implements AutoCloseable {
    private Tensor memory;

    /** A tensor of {@code shape} on {@code backend}; its contents are whatever was there. */
    public Tensor get(Backend backend, Shape shape) {
        if (memory == null || memory.backend() != backend || memory.numel() < shape.numel()) {
            close();
            memory = backend.allocate(Shape.of(Math.toIntExact(shape.numel())));
        }
        return memory.prefix(shape);
    }

    @Override
    public void close() {
        if (memory != null) {
            memory.close();
            memory = null;
        }
    }
}
