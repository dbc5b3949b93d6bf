package dev.engram.nn;

import dev.engram.backend.Activation;

/** max(x, 0), as PyTorch's nn.ReLU (gradient 0 at 0). */
public final class ReLU extends PointwiseActivation {
    public ReLU() {
        super(Activation.relu());
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
