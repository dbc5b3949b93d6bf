package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * Inverted dropout, as PyTorch's nn.Dropout(p): in training mode each element is zeroed with
 * probability p and the survivors are scaled by 1 / (1 - p); p = 1 zeroes everything (and every
 * gradient) without drawing a mask; in evaluation mode (and for p = 0) it is the identity and
 * returns its input itself. The mask comes from the model's random stream
 * and is not stored: backward regenerates it from the (seed, offset) of the forward.
 */
public final class Dropout extends Module {
    private final float p;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Shape inputShape;
    private boolean masked;
    private long offset;

    public Dropout() {
        this(0.5f);
    }

    public Dropout(float p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p is " + p
                    + "; it must be in [0, 1] (the probability of zeroing an element)");
        }
        this.p = p;
    }

    public float p() {
        return p;
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        masked = isTraining() && p > 0;
        if (!masked) {
            return x;
        }
        Tensor y = output.get(backend(), x.shape());
        if (p == 1f) {
            backend().fill(y, 0f);
            return y;
        }
        offset = random().take(x.numel());
        backend().dropoutForward(x, y, p, random().seed(), offset);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inputShape == null) {
            throw new IllegalStateException(this + ": backward was called before forward");
        }
        requireGradShape(dy, inputShape);
        if (!inputGradientRequired()) {
            return null;
        }
        if (!masked) {
            return dy;
        }
        Tensor dx = inputGrad.get(backend(), inputShape);
        if (p == 1f) {
            backend().fill(dx, 0f);
            return dx;
        }
        backend().dropoutBackward(dy, dx, p, random().seed(), offset);
        return dx;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
