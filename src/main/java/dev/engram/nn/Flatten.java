package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/** [N, d1, d2, ...] to [N, d1 * d2 * ...] without copying, as PyTorch's nn.Flatten(). */
public final class Flatten extends Module {
    private Shape inputShape;

    @Override
    public Shape outputShape(Shape input) {
        if (input.rank() < 1) {
            throw new IllegalArgumentException(this + ": input must have a batch dimension, got shape " + input);
        }
        return Shape.of(input.dim(0), Math.toIntExact(input.numelFrom(1)));
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
        return "Flatten()";
    }
}
