package dev.engram.nn;

import dev.engram.backend.LossKind;

/** |pred - target| reduced over the elements, as PyTorch's nn.L1Loss; the gradient where pred = target is 0. */
public final class L1Loss extends Loss {
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        super(LossKind.L1, reduction);
    }
}
