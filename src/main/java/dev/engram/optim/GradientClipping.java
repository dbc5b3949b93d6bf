package dev.engram.optim;

import dev.engram.nn.BufferSlot;
import dev.engram.nn.ParameterStore;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * Clipping by global norm, as torch.nn.utils.clip_grad_norm_: the norm is taken over every
 * gradient of the model together, and when it exceeds the maximum, all gradients are scaled by
 * maxNorm / (norm + 1e-6). Call between backward and the optimizer step.
 */
public final class GradientClipping implements AutoCloseable {
    private final float maxNorm;
    private final BufferSlot norm = new BufferSlot();

    public GradientClipping(float maxNorm) {
        HyperParameters.requirePositive("GradientClipping", "max norm", maxNorm);
        this.maxNorm = maxNorm;
    }

    public float maxNorm() {
        return maxNorm;
    }

    /**
     * Clips the gradients of {@code params} in place and returns their norm before clipping, a
     * one-element tensor on the backend (no host sync) owned by this object, valid until the next call.
     */
    public Tensor clip(ParameterStore params) {
        if (params == null) {
            throw new IllegalArgumentException(this + ": parameter store is null");
        }
        Tensor out = norm.get(params.backend(), Shape.of());
        params.backend().clipGradNorm(params.grads(), maxNorm, out);
        return out;
    }

    @Override
    public void close() {
        norm.close();
    }

    @Override
    public String toString() {
        return "GradientClipping(max_norm=" + maxNorm + ")";
    }
}
