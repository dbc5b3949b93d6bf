package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * Layer normalisation over the trailing dimensions, as PyTorch's nn.LayerNorm(normalized_shape):
 * each sample's last normalizedShape.numel() values are normalised by their own mean and biased
 * variance, then scaled by weight (1) and shifted by bias (0), both of normalizedShape. The same in
 * training and evaluation mode.
 */
public final class LayerNorm extends Module {
    private final Shape normalizedShape;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private final BufferSlot rowMeanSlot = newSlot();
    private final BufferSlot rowInvStdSlot = newSlot();
    private Tensor x;
    private Tensor rowMean;
    private Tensor rowInvStd;

    public LayerNorm(int... normalizedShape) {
        this(Shape.of(normalizedShape), 1e-5f);
    }

    public LayerNorm(Shape normalizedShape, float eps) {
        if (normalizedShape.rank() == 0 || normalizedShape.numel() == 0) {
            throw new IllegalArgumentException("LayerNorm: normalized shape " + normalizedShape
                    + " must have at least one dimension and no zero size");
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("LayerNorm(" + normalizedShape + "): eps is " + eps + "; it must be > 0");
        }
        this.normalizedShape = normalizedShape;
        this.eps = eps;
        weight = addParameter("weight", normalizedShape, Initializer.constant(1f));
        bias = addParameter("bias", normalizedShape, Initializer.constant(0f));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Shape outputShape(Shape input) {
        int k = normalizedShape.rank();
        boolean matches = input.rank() >= k;
        for (int i = 1; matches && i <= k; i++) {
            matches = input.dim(-i) == normalizedShape.dim(-i);
        }
        if (!matches) {
            throw new IllegalArgumentException(this + ": input " + input + " must end in the normalized shape "
                    + normalizedShape);
        }
        return input;
    }

    @Override
    public Tensor forward(Tensor x) {
        Shape shape = outputShape(x.shape());
        Shape rows = Shape.of(Math.toIntExact(x.numel() / normalizedShape.numel()));
        Tensor y = output.get(backend(), shape);
        rowMean = rowMeanSlot.get(backend(), rows);
        rowInvStd = rowInvStdSlot.get(backend(), rows);
        backend().layerNormForward(x, weight.value(), bias.value(), eps, y, rowMean, rowInvStd);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        requireGradShape(dy, x.shape());
        Tensor dx = inputGrad.get(backend(), x.shape());
        backend().layerNormBackward(x, dy, weight.value(), rowMean, rowInvStd, dx, weight.grad(), bias.grad());
        return inputGradientRequired() ? dx : null;
    }

    @Override
    public String toString() {
        return "LayerNorm(" + normalizedShape + ")";
    }
}
