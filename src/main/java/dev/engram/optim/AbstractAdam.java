package dev.engram.optim;

import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Tensor;

/**
 * The update shared by {@link Adam} and {@link AdamW}, which differ only in how weight decay
 * enters: as an L2 term on the gradient, or decoupled (p *= 1 - lr * weightDecay). State: the
 * moment estimates "exp_avg" and "exp_avg_sq", zero at the start.
 */
abstract class AbstractAdam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupledWeightDecay;
    private final Tensor expAvg;
    private final Tensor expAvgSq;

    AbstractAdam(ParameterStore params, float learningRate, float beta1, float beta2, float eps, float weightDecay,
                 boolean decoupledWeightDecay) {
        super(params, learningRate);
        String name = getClass().getSimpleName();
        HyperParameters.requireBeta(name, "beta1", beta1);
        HyperParameters.requireBeta(name, "beta2", beta2);
        HyperParameters.requirePositive(name, "eps", eps);
        HyperParameters.requireNonNegative(name, "weight decay", weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupledWeightDecay = decoupledWeightDecay;
        Tensor[] moments = allocateState("exp_avg", "exp_avg_sq");
        this.expAvg = moments[0];
        this.expAvgSq = moments[1];
    }

    @Override
    protected final void update(Tensor values, Tensor grads, float learningRate, int step) {
        values.backend().adamStep(values, grads, expAvg, expAvgSq, learningRate, beta1, beta2, eps, weightDecay,
                decoupledWeightDecay, step);
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + ", weight_decay=" + weightDecay + ")";
    }
}
