package dev.engram.io;

import dev.engram.tensor.Shape;

/**
 * A dense row-major float32 array in host memory with its shape: what a checkpoint stores for one
 * named parameter or buffer. The array is held, not copied.
 */
public record HostTensor(Shape shape, float[] data) {
    public HostTensor {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("HostTensor: shape and data must not be null");
        }
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("HostTensor: " + data.length + " values do not fill shape " + shape
                    + " (" + shape.numel() + " elements)");
        }
    }
}
