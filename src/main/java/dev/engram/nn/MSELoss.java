package dev.engram.nn;

import dev.engram.backend.LossKind;

/** (pred - target)^2 reduced over the elements, as PyTorch's nn.MSELoss. */
public final class MSELoss extends Loss {
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        super(LossKind.MSE, reduction);
    }
}
