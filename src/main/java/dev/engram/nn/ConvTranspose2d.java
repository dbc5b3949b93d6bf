package dev.engram.nn;

import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

/**
 * 2-D transposed convolution as PyTorch's nn.ConvTranspose2d (no groups): input [N, in, H, W],
 * output [N, out, H', W'] with H' = (H - 1) * stride - 2 * padding + dilation * (kernel - 1)
 * + outputPadding + 1. Weight [in, out, k, k] (PyTorch's layout) and bias [out] are initialised
 * uniform in +-1/sqrt(out * k * k): PyTorch takes the fan-in from weight.size(1) here.
 *
 * <p>It is the adjoint of the convolution that maps the output back to the input, so it runs on
 * that convolution's ops: forward is its backward-data, backward-data is its forward, and the
 * weight gradient is its filter gradient with the roles of input and output gradient swapped.
 */
public final class ConvTranspose2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final Parameter weight;
    private final Parameter bias;
    private final BufferSlot output = newSlot();
    private final BufferSlot inputGrad = newSlot();
    private Tensor x;
    private ConvGeometry geometry;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel) {
        this(inChannels, outChannels, kernel, 1, 0);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, 0, 1, true);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding,
                           int dilation, boolean withBias) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("ConvTranspose2d: in channels " + inChannels + ", out channels "
                    + outChannels + ", kernel " + kernel + ", stride " + stride + " and dilation " + dilation
                    + " must be > 0 and padding " + padding + " must be >= 0");
        }
        if (outputPadding < 0 || (outputPadding >= stride && outputPadding >= dilation)) {
            throw new IllegalArgumentException("ConvTranspose2d: output padding " + outputPadding
                    + " must be >= 0 and smaller than the stride " + stride + " or the dilation " + dilation);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.dilation = dilation;
        Initializer init = Initializer.fanInUniform((long) outChannels * kernel * kernel);
        weight = addParameter("weight", Shape.of(inChannels, outChannels, kernel, kernel), init);
        bias = withBias ? addParameter("bias", Shape.of(outChannels), init) : null;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a transposed convolution without one. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Shape outputShape(Shape input) {
        return geometry(input).inputShape();
    }

    /** The geometry of the convolution from this module's output back to {@code input}. */
    private ConvGeometry geometry(Shape input) {
        requireImages(input, inChannels);
        try {
            return ConvGeometry.transposed(input, outChannels, kernel, stride, padding, outputPadding, dilation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        ConvGeometry g = geometry(x.shape());
        Tensor y = output.get(backend(), g.inputShape());
        backend().conv2dBackwardData(g, x, weight.value(), y);
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
        requireGradShape(dy, g.inputShape());
        backend().conv2dBackwardFilter(g, dy, x, weight.grad());
        if (bias != null) {
            backend().biasBackward(dy, bias.grad());
        }
        if (!inputGradientRequired()) {
            return null;
        }
        Tensor dx = inputGrad.get(backend(), x.shape());
        backend().conv2dForward(g, dy, weight.value(), dx);
        return dx;
    }

    @Override
    public String toString() {
        return "ConvTranspose2d(" + inChannels + " -> " + outChannels + ", kernel " + kernel
                + (stride != 1 ? ", stride " + stride : "") + (padding != 0 ? ", padding " + padding : "")
                + (outputPadding != 0 ? ", output padding " + outputPadding : "")
                + (dilation != 1 ? ", dilation " + dilation : "") + (bias == null ? ", no bias" : "") + ")";
    }
}
