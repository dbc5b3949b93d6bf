package dev.engram.tensor;

/**
 * Element type of a tensor. Only {@link #FLOAT32} is implemented by the backends today; the
 * half-precision types are named so that shapes, checkpoints and op signatures already carry a
 * dtype and mixed precision can arrive without changing them.
 */
public enum DType {
    FLOAT32(4),
    BFLOAT16(2),
    FLOAT16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
