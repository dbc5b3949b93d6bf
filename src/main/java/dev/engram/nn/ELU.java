package dev.engram.nn;

import dev.engram.backend.Activation;

/** x for x > 0, alpha (exp(x) - 1) otherwise, as PyTorch's nn.ELU (default alpha 1). */
public final class ELU extends PointwiseActivation {
    public ELU() {
        this(1f);
    }

    public ELU(float alpha) {
        super(Activation.elu(alpha));
    }

    @Override
    public String toString() {
        return "ELU(alpha=" + activation().alpha() + ")";
    }
}
