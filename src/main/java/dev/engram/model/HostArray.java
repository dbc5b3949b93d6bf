package dev.engram.model;

import dev.engram.tensor.Shape;

/** Values of {@code count} items of shape {@code item} on the host, item after item (row-major). */
public record HostArray(float[] values, Shape item, int count) {
    public HostArray {
        if (values.length != count * item.numel()) {
            throw new IllegalArgumentException("HostArray: " + values.length + " values are not " + count + " items of "
                    + item);
        }
    }

    /** The shape of the whole array: [count, item...]. */
    public Shape shape() {
        int[] dims = new int[item.rank() + 1];
        dims[0] = count;
        System.arraycopy(item.dims(), 0, dims, 1, item.rank());
        return Shape.of(dims);
    }

    public int[] dims() {
        return shape().dims();
    }
}
