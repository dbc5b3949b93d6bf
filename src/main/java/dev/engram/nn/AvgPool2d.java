package dev.engram.nn;

import dev.engram.backend.PoolGeometry;
import dev.engram.tensor.Tensor;

/**
 * Average pooling as PyTorch's nn.AvgPool2d with its defaults (ceil_mode=False,
 * count_include_pad=True): every window is divided by kernel * kernel, padded cells included.
 */
public final class AvgPool2d extends Pool2d {

    /** Non-overlapping windows: the stride is the kernel. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        super("AvgPool2d", kernel, stride, padding);
    }

    @Override
    void pool(PoolGeometry g, Tensor x, Tensor y) {
        backend().avgPool2dForward(g, x, y);
    }

    @Override
    void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        backend().avgPool2dBackward(g, dy, dx);
    }
}
