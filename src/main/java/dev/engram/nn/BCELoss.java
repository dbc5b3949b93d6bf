package dev.engram.nn;

import dev.engram.backend.LossKind;

/**
 * Binary cross-entropy of probabilities, as PyTorch's nn.BCELoss:
 * -(t log p + (1 - t) log(1 - p)) with each log clamped at -100, for p in [0, 1] (the output of a
 * sigmoid) and targets in [0, 1] (soft targets such as pixel intensities allowed). A prediction
 * of exactly 0 or 1 against the opposite target costs 100, not infinity; one outside [0, 1]
 * gives NaN (checking would cost a host sync). Prefer {@link BCEWithLogitsLoss} on the logits:
 * it is exact where the sigmoid saturates.
 */
public final class BCELoss extends Loss {
    public BCELoss() {
        this(Reduction.MEAN);
    }

    public BCELoss(Reduction reduction) {
        super(LossKind.BCE, reduction);
    }
}
