package dev.engram.optim;

import dev.engram.nn.ParameterStore;

/**
 * Adam, as PyTorch's torch.optim.Adam (defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight
 * decay): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). Weight decay here is the classic
 * L2 term added to the gradient; {@link AdamW} decouples it.
 */
public final class Adam extends AbstractAdam {
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPS = 1e-8f;

    public Adam(ParameterStore params) {
        this(params, DEFAULT_LEARNING_RATE);
    }

    public Adam(ParameterStore params, float learningRate) {
        this(params, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, 0f);
    }

    public Adam(ParameterStore params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        super(params, learningRate, beta1, beta2, eps, weightDecay, false);
    }
}
