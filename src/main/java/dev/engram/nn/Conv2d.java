package dev.engram.nn;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation) as PyTorch's nn.Conv2d with square kernel, stride,
 * padding and dilation and no groups: input [N, in, H, W], output [N, out, H', W'] with
 * H' = (H + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1. Weight [out, in, k, k] and
 * bias [out] are initialised uniform in +-1/sqrt(in * k * k), as PyTorch does.
 */
public final class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final Parameter weight;
    private final Parameter bias;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Tensor x;
    private ConvGeometry geometry;

    public Conv2d(int inChannels, int outChannels, int kernel) {
        this(inChannels, outChannels, kernel, 1, 0);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, boolean withBias) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: in channels " + inChannels + ", out channels " + outChannels
                    + ", kernel " + kernel + ", stride " + stride + " and dilation " + dilation
                    + " must be > 0 and padding " + padding + " must be >= 0");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        Initializer init = Initializer.fanInUniform((long) inChannels * kernel * kernel);
        weight = addParameter("weight", Shape.of(outChannels, inChannels, kernel, kernel), init);
        bias = withBias ? addParameter("bias", Shape.of(outChannels), init) : null;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a convolution without one. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Shape outputShape(Shape input) {
        return geometry(input).outputShape();
    }

    private ConvGeometry geometry(Shape input) {
        requireImages(input, inChannels);
        try {
            return ConvGeometry.of(input, outChannels, kernel, stride, padding, dilation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        ConvGeometry g = geometry(x.shape());
        Tensor y = output.get(backend(), g.outputShape());
        backend().conv2dForward(g, x, weight.value(), y);
        if (bias != null) {
            backend().biasAdd(y, bias.value());
        }
        this.x = x;
        this.geometry = g;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor x = requireForward(this.x);
        ConvGeometry g = geometry;
        requireGradShape(dy, g.outputShape());
        backend().conv2dBackwardFilter(g, x, dy, weight.grad());
        if (bias != null) {
            backend().biasBackward(dy, bias.grad());
        }
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), x.shape());
        backend().conv2dBackwardData(g, dy, weight.value(), dx);
        return dx;
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + " -> " + outChannels + ", kernel " + kernel
                + (stride != 1 ? ", stride " + stride : "") + (padding != 0 ? ", padding " + padding : "")
                + (dilation != 1 ? ", dilation " + dilation : "") + (bias == null ? ", no bias" : "") + ")";
    }
}
