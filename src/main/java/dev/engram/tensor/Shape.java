package dev.engram.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes, outermost first (NCHW for images). Sizes are
 * non-negative; a shape with no dimensions is a scalar with one element.
 */
public final class Shape {
    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                        + " has a negative size at dimension " + i + "; sizes must be >= 0");
            }
            n = Math.multiplyExact(n, dims[i]);
        }
        this.dims = dims;
        this.numel = n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        int j = i < 0 ? dims.length + i : i;
        if (j < 0 || j >= dims.length) {
            throw new IndexOutOfBoundsException("dimension " + i + " of shape " + this);
        }
        return dims[j];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Total number of elements. */
    public long numel() {
        return numel;
    }

    /** Product of the sizes from dimension {@code from} (inclusive) to the end. */
    public long numelFrom(int from) {
        long n = 1;
        for (int i = from; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** The same shape with dimension 0 replaced, e.g. a different batch size. */
    public Shape withDim0(int size) {
        int[] d = dims.clone();
        d[0] = size;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
