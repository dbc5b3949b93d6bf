package dev.engram.nn;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * y = x W^T + b over the last dimension, as PyTorch's nn.Linear: weight [out, in], bias [out],
 * both initialised uniform in +-1/sqrt(in). Input [..., in], output [..., out].
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Tensor x;

    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean withBias) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: sizes in=" + in + ", out=" + out + " must be > 0");
        }
        this.in = in;
        this.out = out;
        Initializer init = Initializer.fanInUniform(in);
        weight = addParameter("weight", Shape.of(out, in), init);
        bias = withBias ? addParameter("bias", Shape.of(out), init) : null;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.rank() < 1 || input.dim(-1) != in) {
            throw new IllegalArgumentException(this + ": input " + input + " must end in " + in + " features ([N, " + in + "])");
        }
        int[] d = input.dims();
        d[d.length - 1] = out;
        return Shape.of(d);
    }

    @Override
    public Tensor forward(Tensor x) {
        Shape ys = outputShape(x.shape());
        int rows = rows(x);
        Tensor y = output.get(backend(), ys);
        backend().gemm(false, true, rows, out, in, 1f, x, weight.value(), 0f, y);
        if (bias != null) {
            backend().biasAdd(y.view(rows, out), bias.value());
        }
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        requireGradShape(dy, outputShape(x.shape()));
        int rows = rows(x);
        backend().gemm(true, false, out, in, rows, 1f, dy, x, 1f, weight.grad());
        if (bias != null) {
            backend().biasBackward(dy.view(rows, out), bias.grad());
        }
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), x.shape());
        backend().gemm(false, false, rows, in, out, 1f, dy, weight.value(), 0f, dx);
        return dx;
    }

    private int rows(Tensor x) {
        return (int) (x.numel() / in);
    }

    @Override
    public String toString() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias" : "") + ")";
    }
}
