package dev.engram.nn;

import dev.engram.backend.Activation;

/** 1 / (1 + exp(-x)), as PyTorch's nn.Sigmoid. */
public final class Sigmoid extends PointwiseActivation {
    public Sigmoid() {
        super(Activation.sigmoid());
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
