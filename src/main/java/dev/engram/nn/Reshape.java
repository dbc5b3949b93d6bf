package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Arrays;

/**
 * [N, ...] to [N, d1, d2, ...] without copying, keeping the batch dimension (PyTorch's
 * nn.Unflatten(1, (d1, d2, ...)) after a Linear, e.g. Reshape(64, 7, 7)).
 */
public final class Reshape extends Module {
    private final int[] sampleShape;
    private final long sampleSize;
    private Shape inputShape;

    public Reshape(int... sampleShape) {
        this.sampleShape = sampleShape.clone();
        this.sampleSize = Shape.of(sampleShape).numel();
        if (sampleShape.length == 0 || sampleSize == 0) {
            throw new IllegalArgumentException("Reshape" + Arrays.toString(sampleShape) + ": the per-sample shape must be non-empty");
        }
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.rank() < 1 || input.numelFrom(1) != sampleSize) {
            throw new IllegalArgumentException(this + ": input " + input + " holds " + (input.rank() < 1 ? 0 : input.numelFrom(1))
                    + " values per sample but " + Arrays.toString(sampleShape) + " needs " + sampleSize);
        }
        int[] d = new int[sampleShape.length + 1];
        d[0] = input.dim(0);
        System.arraycopy(sampleShape, 0, d, 1, sampleShape.length);
        return Shape.of(d);
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        return x.view(outputShape(x.shape()));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inputShape == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        requireGradShape(dy, outputShape(inputShape));
        return inputGradientRequired() ? dy.view(inputShape) : null;
    }

    @Override
    public String toString() {
        return "Reshape" + Arrays.toString(sampleShape);
    }
}
