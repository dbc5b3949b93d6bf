package dev.engram.nn;

import dev.engram.backend.Activation;

/** x for x > 0, negativeSlope * x otherwise, as PyTorch's nn.LeakyReLU (default slope 0.01). */
public final class LeakyReLU extends PointwiseActivation {
    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        super(Activation.leakyRelu(negativeSlope));
    }

    @Override
    public String toString() {
        return "LeakyReLU(negative_slope=" + activation().alpha() + ")";
    }
}
