package dev.engram.optim;

import dev.engram.nn.ParameterStore;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's torch.optim.AdamW:
 * each step first shrinks the parameters by p *= 1 - lr * weightDecay, then takes the Adam step
 * on the raw gradient. Defaults as {@link Adam}, and weight decay 1e-2 as in PyTorch.
 */
public final class AdamW extends AbstractAdam {
    public static final float DEFAULT_WEIGHT_DECAY = 1e-2f;

    public AdamW(ParameterStore params) {
        this(params, Adam.DEFAULT_LEARNING_RATE);
    }

    public AdamW(ParameterStore params, float learningRate) {
        this(params, learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPS, DEFAULT_WEIGHT_DECAY);
    }

    public AdamW(ParameterStore params, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        super(params, learningRate, beta1, beta2, eps, weightDecay, true);
    }
}
