package dev.engram.nn;

import dev.engram.backend.LossKind;

/**
 * Binary cross-entropy of sigmoid(x) for logits x, as PyTorch's nn.BCEWithLogitsLoss:
 * max(x, 0) - x t + log(1 + exp(-|x|)), finite and accurate for any logit; the gradient is
 * sigmoid(x) - t.
 */
public final class BCEWithLogitsLoss extends Loss {
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        super(LossKind.BCE_WITH_LOGITS, reduction);
    }
}
