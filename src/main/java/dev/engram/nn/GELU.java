package dev.engram.nn;

import dev.engram.backend.Activation;

/** x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as PyTorch's nn.GELU() (the exact form, not the tanh approximation). */
public final class GELU extends PointwiseActivation {
    public GELU() {
        super(Activation.gelu());
    }

    @Override
    public String toString() {
        return "GELU()";
    }
}
