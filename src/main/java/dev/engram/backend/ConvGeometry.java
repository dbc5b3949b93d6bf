package dev.engram.backend;

import dev.engram.tensor.Shape;

/**
 * The sizes of one 2-D convolution, in cuDNN's names: input x is [n, c, h, w], weight w is
 * [k, c, r, s], output y is [n, k, p, q]. A transposed convolution is the same geometry read
 * backwards (its input is y, its output is x), which is how ConvTranspose2d reuses these ops.
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int r, int s,
                           int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {

    public ConvGeometry {
        positive("batch", n);
        positive("input channels", c);
        positive("input height", h);
        positive("input width", w);
        positive("output channels", k);
        positive("kernel height", r);
        positive("kernel width", s);
        positive("stride", Math.min(strideH, strideW));
        positive("dilation", Math.min(dilationH, dilationW));
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding " + padH + "x" + padW + " is negative; padding must be >= 0");
        }
        int spanH = dilationH * (r - 1) + 1;
        int spanW = dilationW * (s - 1) + 1;
        if (spanH > h + 2 * padH || spanW > w + 2 * padW) {
            throw new IllegalArgumentException("conv2d: kernel " + r + "x" + s + " (dilation " + dilationH + "x" + dilationW
                    + ", span " + spanH + "x" + spanW + ") is larger than the padded input " + (h + 2 * padH) + "x"
                    + (w + 2 * padW) + " (input " + h + "x" + w + " of shape [" + n + ", " + c + ", " + h + ", " + w
                    + "] plus padding " + padH + "x" + padW + "); use a smaller kernel, more padding or a larger input");
        }
    }

    /** Geometry of a convolution of {@code input} [N, C, H, W] with square kernel, stride, padding, dilation. */
    public static ConvGeometry of(Shape input, int outChannels, int kernel, int stride, int padding, int dilation) {
        requireNchw("conv2d", input);
        return new ConvGeometry(input.dim(0), input.dim(1), input.dim(2), input.dim(3), outChannels,
                kernel, kernel, stride, stride, padding, padding, dilation, dilation);
    }

    /**
     * Geometry of the transposed convolution whose input is {@code input} [N, Cin, Hin, Win]: the
     * convolution that maps the transposed conv's output [N, outChannels, Hout, Wout] back to
     * {@code input}, with Hout = (Hin - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
     * as in PyTorch's ConvTranspose2d.
     */
    public static ConvGeometry transposed(Shape input, int outChannels, int kernel, int stride, int padding,
                                          int outputPadding, int dilation) {
        requireNchw("conv_transpose2d", input);
        if (outputPadding < 0 || (outputPadding >= stride && outputPadding >= dilation)) {
            throw new IllegalArgumentException("conv_transpose2d: output padding " + outputPadding
                    + " must be >= 0 and smaller than the stride (" + stride + ") or the dilation (" + dilation + ")");
        }
        int hIn = input.dim(2);
        int wIn = input.dim(3);
        int hOut = (hIn - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
        int wOut = (wIn - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
        if (hOut <= 0 || wOut <= 0) {
            throw new IllegalArgumentException("conv_transpose2d: input " + input + " with kernel " + kernel + ", stride "
                    + stride + ", padding " + padding + " gives an empty output " + hOut + "x" + wOut
                    + "; use less padding or a larger input");
        }
        ConvGeometry g = new ConvGeometry(input.dim(0), outChannels, hOut, wOut, input.dim(1), kernel, kernel,
                stride, stride, padding, padding, dilation, dilation);
        if (g.p() != hIn || g.q() != wIn) {
            throw new IllegalStateException("conv_transpose2d geometry does not invert: " + g);
        }
        return g;
    }

    /** Floating-point operations of the convolution, or of either of its backward passes: 2 n k p q c r s. */
    public double flops() {
        return 2.0 * n * k * p() * q() * c * r * s;
    }

    /** Output height. */
    public int p() {
        return (h + 2 * padH - dilationH * (r - 1) - 1) / strideH + 1;
    }

    /** Output width. */
    public int q() {
        return (w + 2 * padW - dilationW * (s - 1) - 1) / strideW + 1;
    }

    public Shape inputShape() {
        return Shape.of(n, c, h, w);
    }

    public Shape weightShape() {
        return Shape.of(k, c, r, s);
    }

    public Shape outputShape() {
        return Shape.of(n, k, p(), q());
    }

    /** The same geometry for another batch size. */
    public ConvGeometry withBatch(int batch) {
        return new ConvGeometry(batch, c, h, w, k, r, s, strideH, strideW, padH, padW, dilationH, dilationW);
    }

    static void requireNchw(String op, Shape input) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must be 4-D [N, C, H, W], got shape " + input);
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("conv2d: " + what + " is " + v + "; it must be > 0");
        }
    }
}
