package dev.engram.nn;

import dev.engram.backend.PoolGeometry;
import dev.engram.tensor.Tensor;

/**
 * Max pooling as PyTorch's nn.MaxPool2d (ceil_mode=False, dilation 1): padded cells count as
 * -inf, and the gradient of each window goes to its first maximum in row-major order.
 */
public final class MaxPool2d extends Pool2d {

    /** Non-overlapping windows: the stride is the kernel. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        super("MaxPool2d", kernel, stride, padding);
    }

    @Override
    void pool(PoolGeometry g, Tensor x, Tensor y) {
        backend().maxPool2dForward(g, x, y);
    }

    @Override
    void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend().maxPool2dBackward(g, x, y, dy, dx);
    }
}
