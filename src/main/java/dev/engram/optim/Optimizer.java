package dev.engram.optim;

import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Updates every parameter of a model from its gradient, in the shape of PyTorch's
 * torch.optim.Optimizer. It works on the {@link ParameterStore}'s flat values and gradients, so a
 * step is one fused backend op over all parameters, and its own state (momentum, moment
 * estimates) is one flat tensor per kind laid out the same way.
 *
 * <p>The learning rate may change between steps ({@link #setLearningRate}, for schedules). The
 * state tensors are exposed by their PyTorch names ({@link #state}) and the step count can be set
 * ({@link #setStepCount}), so a checkpoint can save both and resume exactly. {@link #close} frees
 * the state; the parameters belong to the model.
 */
public abstract class Optimizer implements AutoCloseable {
    private final ParameterStore params;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private float learningRate;
    private int steps;
    private boolean closed;

    /** Validates the learning rate; subclasses validate their own settings before allocating state. */
    protected Optimizer(ParameterStore params, float learningRate) {
        if (params == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter store is null");
        }
        HyperParameters.requireLearningRate(getClass().getSimpleName(), learningRate);
        this.params = params;
        this.learningRate = learningRate;
    }

    /** Allocates zeroed state tensors laid out as the parameters; frees them all if one fails. */
    protected final Tensor[] allocateState(String... names) {
        Tensor[] out = new Tensor[names.length];
        try {
            for (int i = 0; i < names.length; i++) {
                out[i] = params.backend().zeros(params.values().shape());
                state.put(names[i], out[i]);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        return out;
    }

    /** One update of every parameter from its gradient; the gradients are left as they are. */
    public final void step() {
        requireOpen();
        int next = Math.addExact(steps, 1);
        update(params.values(), params.grads(), learningRate, next);
        steps = next;
    }

    /** The fused update for step number {@code step} (counting from 1). */
    protected abstract void update(Tensor values, Tensor grads, float learningRate, int step);

    /** Sets every gradient to zero, before the backward pass of the next batch. */
    public final void zeroGrad() {
        requireOpen();
        params.zeroGrad();
    }

    public final float learningRate() {
        return learningRate;
    }

    /** Changes the learning rate used from the next step on. */
    public final void setLearningRate(float learningRate) {
        HyperParameters.requireLearningRate(getClass().getSimpleName(), learningRate);
        this.learningRate = learningRate;
    }

    /** Steps taken so far. */
    public final int stepCount() {
        return steps;
    }

    /** Restores the step count saved with the state by a checkpoint. */
    public final void setStepCount(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": step count is " + steps + "; it must be >= 0");
        }
        this.steps = steps;
    }

    /**
     * The optimizer's state by PyTorch's names ("momentum_buffer", "exp_avg", "exp_avg_sq"), each
     * a flat tensor laid out as {@link ParameterStore#values()}: read to save, write to restore.
     */
    public final Map<String, Tensor> state() {
        requireOpen();
        return Collections.unmodifiableMap(state);
    }

    public final ParameterStore parameters() {
        return params;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    @Override
    public final void close() {
        closed = true;
        for (Tensor t : state.values()) {
            t.close();
        }
        state.clear();
    }
}
