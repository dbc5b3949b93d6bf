package dev.engram.nn;

import dev.engram.backend.Activation;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * A module applying one pointwise {@link Activation}: any input shape, output of the same shape.
 * The concrete activations (ReLU, Sigmoid, ...) only choose the function and name themselves.
 * It keeps the input and its output, which backward needs (sigmoid and tanh differentiate from y).
 */
public abstract class PointwiseActivation extends Module {
    private final Activation activation;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Tensor x;
    private Tensor y;

    protected PointwiseActivation(Activation activation) {
        this.activation = activation;
    }

    public final Activation activation() {
        return activation;
    }

    @Override
    public final Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public final Tensor forward(Tensor x) {
        Tensor y = output.get(backend(), x.shape());
        backend().activationForward(activation, x, y);
        this.x = x;
        this.y = y;
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        requireGradShape(dy, x.shape());
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), x.shape());
        backend().activationBackward(activation, x, y, dy, dx);
        return dx;
    }
}
