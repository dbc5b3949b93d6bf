package dev.engram.nn;

import dev.engram.backend.Activation;

/**
 * log(1 + exp(beta x)) / beta, as PyTorch's nn.Softplus (default beta 1), returning x itself
 * where beta x > 20 (PyTorch's threshold), where the two agree to float precision.
 */
public final class Softplus extends PointwiseActivation {
    public Softplus() {
        this(1f);
    }

    /** beta > 0. */
    public Softplus(float beta) {
        super(Activation.softplus(beta));
    }

    @Override
    public String toString() {
        return "Softplus(beta=" + activation().alpha() + ", threshold=" + Activation.SOFTPLUS_THRESHOLD + ")";
    }
}
