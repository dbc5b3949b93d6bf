package dev.engram.backend.cuda;

/** A device allocation failed even after the allocator gave its cached blocks back to the driver. */
public final class CudaOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;

    public CudaOutOfMemoryException(String message) {
        super(message);
    }
}
