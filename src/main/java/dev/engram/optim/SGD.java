package dev.engram.optim;

import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Tensor;

/**
 * Stochastic gradient descent, as PyTorch's torch.optim.SGD: g = grad + weightDecay * p; with
 * momentum, buf = g on the first step and momentum * buf + (1 - dampening) * g after, and
 * g = nesterov ? g + momentum * buf : buf; then p -= lr * g. The momentum buffer
 * ("momentum_buffer") exists only when momentum is not 0.
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;
    private final Tensor momentumBuffer;

    /** Plain SGD; unlike Adam there is no default learning rate, as in PyTorch. */
    public SGD(ParameterStore params, float learningRate) {
        this(params, learningRate, 0f, 0f, 0f, false);
    }

    public SGD(ParameterStore params, float learningRate, float momentum, float dampening, float weightDecay,
               boolean nesterov) {
        super(params, learningRate);
        HyperParameters.requireNonNegative("SGD", "momentum", momentum);
        if (!Float.isFinite(dampening)) {
            throw new IllegalArgumentException("SGD: dampening is " + dampening + "; it must be a finite number");
        }
        HyperParameters.requireNonNegative("SGD", "weight decay", weightDecay);
        if (nesterov && (momentum == 0f || dampening != 0f)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + " and dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.momentumBuffer = momentum != 0f ? allocateState("momentum_buffer")[0] : null;
    }

    @Override
    protected void update(Tensor values, Tensor grads, float learningRate, int step) {
        values.backend().sgdStep(values, grads, momentumBuffer, learningRate, momentum, dampening, weightDecay,
                nesterov, step == 1);
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate() + ", momentum=" + momentum + ", dampening=" + dampening + ", weight_decay="
                + weightDecay + ", nesterov=" + nesterov + ")";
    }
}
