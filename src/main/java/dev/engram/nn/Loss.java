package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * A reconstruction loss between a prediction and a target of the same shape, in the shape of
 * PyTorch's loss modules. {@link #forward} returns a one-element tensor holding the loss on the
 * backend (no host sync: read it with {@link Backend#readScalar} when wanted); {@link #backward}
 * then returns the gradient with respect to the prediction. Both results are owned by the loss
 * and reused by its next call, so a training loop allocates nothing after its first step.
 * The backend is the prediction's.
 */
public abstract class Loss implements AutoCloseable {
    private final LossKind kind;
    private final Reduction reduction;
    private final BufferSlot value = new BufferSlot();
    private final BufferSlot gradient = new BufferSlot();
    private Tensor pred;
    private Tensor target;
    private float scale;

    Loss(LossKind kind, Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": reduction is null");
        }
        this.kind = kind;
        this.reduction = reduction;
    }

    public final Reduction reduction() {
        return reduction;
    }

    /** The loss of {@code pred} against {@code target}, a one-element tensor valid until the next forward. */
    public final Tensor forward(Tensor pred, Tensor target) {
        float s = validate(pred, target);
        Backend backend = pred.backend();
        Tensor out = value.get(backend, Shape.of());
        backend.lossForward(kind, pred, target, s, out);
        this.pred = pred;
        this.target = target;
        this.scale = s;
        return out;
    }

    /** d loss / d pred for the last forward (assigned, owned by this loss). */
    public final Tensor backward() {
        return backward(1f);
    }

    /** {@code upstreamScale} * d loss / d pred: the gradient of a weighted term such as beta * loss. */
    public final Tensor backward(float upstreamScale) {
        if (pred == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        if (!Float.isFinite(upstreamScale)) {
            throw new IllegalArgumentException(this + ": upstream scale is " + upstreamScale + "; it must be finite");
        }
        Backend backend = pred.backend();
        Tensor dpred = gradient.get(backend, pred.shape());
        backend.lossBackward(kind, pred, target, scale * upstreamScale, dpred);
        return dpred;
    }

    private float validate(Tensor pred, Tensor target) {
        if (pred == null || target == null) {
            throw new IllegalArgumentException(this + ": " + (pred == null ? "pred" : "target") + " is null");
        }
        if (!pred.shape().equals(target.shape())) {
            throw new IllegalArgumentException(this + ": pred " + pred.shape() + " and target " + target.shape()
                    + " must have the same shape");
        }
        if (pred.backend() != target.backend()) {
            throw new IllegalArgumentException(this + ": pred " + pred.shape() + " and target live on different backends ("
                    + pred.backend().name() + ", " + target.backend().name() + "); copy the target over first");
        }
        return reduction.scale(toString(), pred.shape(), pred.numel());
    }

    @Override
    public void close() {
        value.close();
        gradient.close();
        pred = null;
        target = null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(reduction=" + reduction + ")";
    }
}
