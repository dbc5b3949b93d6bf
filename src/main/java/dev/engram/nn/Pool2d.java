package dev.engram.nn;

import dev.engram.backend.PoolGeometry;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * What max and average pooling share: a square window, stride and padding (floor rounding, at
 * most half the window of padding, as PyTorch), the geometry checks and the reused buffers.
 */
abstract class Pool2d extends Module {
    private final String name;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Tensor x;
    private Tensor y;
    private PoolGeometry geometry;

    Pool2d(String name, int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(name + ": kernel " + kernel + " and stride " + stride
                    + " must be > 0 and padding " + padding + " must be >= 0 and at most half the kernel");
        }
        this.name = name;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** y = the pooling of x. */
    abstract void pool(PoolGeometry g, Tensor x, Tensor y);

    /** dx = the gradient of the pooling (assigned), given its input x and output y. */
    abstract void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx);

    @Override
    public final Shape outputShape(Shape input) {
        return geometry(input).outputShape();
    }

    private PoolGeometry geometry(Shape input) {
        try {
            return PoolGeometry.of(input, kernel, stride, padding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public final Tensor forward(Tensor x) {
        PoolGeometry g = geometry(x.shape());
        Tensor y = output.get(backend(), g.outputShape());
        pool(g, x, y);
        this.x = x;
        this.y = y;
        this.geometry = g;
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        requireGradShape(dy, geometry.outputShape());
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), x.shape());
        poolBackward(geometry, x, y, dy, dx);
        return dx;
    }

    @Override
    public final String toString() {
        return name + "(kernel " + kernel + (stride != kernel ? ", stride " + stride : "")
                + (padding != 0 ? ", padding " + padding : "") + ")";
    }
}
