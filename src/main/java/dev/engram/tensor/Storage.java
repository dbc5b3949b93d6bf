package dev.engram.tensor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of memory owned by one backend. Exactly one tensor owns it and frees it on close;
 * views share it without owning it. Freeing twice is harmless; use after free throws.
 */
public abstract class Storage {
    private final DType dtype;
    private final long capacity;
    private final AtomicBoolean released = new AtomicBoolean();

    protected Storage(DType dtype, long capacity) {
        this.dtype = dtype;
        this.capacity = capacity;
    }

    public DType dtype() {
        return dtype;
    }

    /** Number of elements this block holds. */
    public long capacity() {
        return capacity;
    }

    public boolean isReleased() {
        return released.get();
    }

    /** Frees the memory once; later calls do nothing. */
    public final void release() {
        if (released.compareAndSet(false, true)) {
            free();
        }
    }

    /** Throws if the memory was already freed. */
    public final void checkLive() {
        if (released.get()) {
            throw new IllegalStateException("tensor memory (" + capacity + " x " + dtype
                    + ") was already freed: a tensor was used after close()");
        }
    }

    /** Returns the memory to the backend; called at most once. */
    protected abstract void free();
}
