package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * A named tensor of a module: a trainable parameter (value and gradient) or a buffer of state
 * that is saved but not trained (BatchNorm's running statistics). Its memory is a view into the
 * model's {@link ParameterStore}, assigned when the root module is built.
 */
public final class Parameter {
    private final String localName;
    private final Shape shape;
    private final Initializer initializer;
    private final boolean trainable;
    private String name;
    private Tensor value;
    private Tensor grad;

    Parameter(String localName, Shape shape, Initializer initializer, boolean trainable) {
        this.localName = localName;
        this.shape = shape;
        this.initializer = initializer;
        this.trainable = trainable;
        this.name = localName;
    }

    /** Dotted name in the model, as in a PyTorch state dict ("0.weight", "encoder.2.bias"). */
    public String name() {
        return name;
    }

    String localName() {
        return localName;
    }

    public Shape shape() {
        return shape;
    }

    public boolean trainable() {
        return trainable;
    }

    Initializer initializer() {
        return initializer;
    }

    /** The value; valid once the root module was built. */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " " + shape + " has no memory yet: build the root module first");
        }
        return value;
    }

    /** The gradient, accumulated by backward; null for a buffer. */
    public Tensor grad() {
        value();
        return grad;
    }

    void bind(String fullName, Tensor value, Tensor grad) {
        this.name = fullName;
        this.value = value;
        this.grad = grad;
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
