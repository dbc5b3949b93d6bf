package dev.engram.tensor;

import dev.engram.backend.Backend;

/**
 * A dense, row-major (contiguous) array of elements with a shape, living in one backend's memory.
 *
 * <p>Ownership is explicit: the tensor returned by {@link Backend#allocate} owns its storage and
 * frees it on {@link #close()}; views made by {@link #view}, {@link #slice} and {@link #prefix}
 * share the storage, never own it, and closing them does nothing. Using any tensor after its
 * storage was freed throws {@link IllegalStateException}.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Storage storage;
    private final long offset;
    private final Shape shape;
    private final boolean owner;

    /** Called by backends only; user code gets tensors from {@link Backend#allocate}. */
    public Tensor(Backend backend, Storage storage, long offset, Shape shape, boolean owner) {
        if (offset < 0 || offset + shape.numel() > storage.capacity()) {
            throw new IllegalArgumentException("view of shape " + shape + " at offset " + offset
                    + " does not fit in storage of " + storage.capacity() + " elements");
        }
        this.backend = backend;
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.owner = owner;
    }

    public Backend backend() {
        return backend;
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public long numel() {
        return shape.numel();
    }

    /** Offset of the first element inside the storage, in elements. */
    public long offset() {
        return offset;
    }

    /** The storage, after checking it is still live. */
    public Storage storage() {
        storage.checkLive();
        return storage;
    }

    public boolean isOwner() {
        return owner;
    }

    /** The same elements under another shape with the same number of elements (reshape, flatten). */
    public Tensor view(Shape newShape) {
        storage.checkLive();
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("cannot view tensor of shape " + shape + " (" + shape.numel()
                    + " elements) as " + newShape + " (" + newShape.numel() + " elements)");
        }
        return new Tensor(backend, storage, offset, newShape, false);
    }

    public Tensor view(int... dims) {
        return view(Shape.of(dims));
    }

    /** Rows {@code [from, to)} along dimension 0, without copying. */
    public Tensor slice(int from, int to) {
        storage.checkLive();
        if (shape.rank() == 0 || from < 0 || to > shape.dim(0) || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside dimension 0 of shape " + shape);
        }
        long row = shape.numelFrom(1);
        return new Tensor(backend, storage, offset + from * row, shape.withDim0(to - from), false);
    }

    /**
     * The first {@code newShape.numel()} elements under a new shape: lets a buffer sized for the
     * largest batch serve a smaller one without allocating.
     */
    public Tensor prefix(Shape newShape) {
        storage.checkLive();
        if (newShape.numel() > shape.numel()) {
            throw new IllegalArgumentException("prefix " + newShape + " is larger than tensor " + shape);
        }
        return new Tensor(backend, storage, offset, newShape, false);
    }

    /** Copies the elements to a new host array (a synchronising read on a device backend). */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        backend.copyToHost(this, out, 0);
        return out;
    }

    @Override
    public void close() {
        if (owner) {
            storage.release();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype() + " on " + backend.name() + (storage.isReleased() ? " (freed)" : "");
    }
}
