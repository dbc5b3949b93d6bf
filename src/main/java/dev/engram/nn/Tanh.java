package dev.engram.nn;

import dev.engram.backend.Activation;

/** tanh(x), as PyTorch's nn.Tanh. */
public final class Tanh extends PointwiseActivation {
    public Tanh() {
        super(Activation.tanh());
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
