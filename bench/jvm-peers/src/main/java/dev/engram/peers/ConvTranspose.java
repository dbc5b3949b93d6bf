package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * PyTorch's nn.ConvTranspose2d(in, out, k, stride, padding) (output_padding 0, dilation 1): weight
 * [in, out, k, k] and bias [out]. PyTorch computes the default init's fan_in from weight.size(1),
 * so both are U(-1/sqrt(out*k*k), 1/sqrt(out*k*k)).
 *
 * <p>DJL's PyTorch engine has no transposed convolution, so it is emulated with differentiable ops:
 * a transposed convolution is the ordinary stride-1 convolution of the input with stride-1 zeros
 * inserted between its pixels, padded by k-1-p, with the kernel flipped in space and its in/out
 * channels swapped.
 */
final class ConvTranspose implements Layer {
    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;

    ConvTranspose(Params params, String name, int in, int out, int kernel, int stride, int padding) {
        double bound = 1 / Math.sqrt((double) out * kernel * kernel);
        this.weight = params.uniform(name + ".weight", new Shape(in, out, kernel, kernel), bound);
        this.bias = params.uniform(name + ".bias", new Shape(out), bound);
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return convTranspose2d(x, weight, bias, stride, padding);
    }

    /**
     * conv_transpose2d(x [N, in, H, W], weight [in, out, k, k], bias [out]) with output
     * [N, out, (H-1)*stride - 2*padding + k, (W-1)*stride - 2*padding + k].
     */
    static NDArray convTranspose2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        long k = weight.getShape().get(2);
        if (weight.getShape().get(3) != k || padding > k - 1 || stride < 1) {
            throw new IllegalArgumentException("convTranspose2d: needs a square kernel, stride >= 1 and padding <= k-1;"
                    + " got weight " + weight.getShape() + ", stride " + stride + ", padding " + padding);
        }
        NDArray flipped = weight.transpose(1, 0, 2, 3).flip(2, 3);
        long pad = k - 1 - padding;
        return Conv2d.conv2d(dilate(x, stride), flipped, bias, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1))
                .singletonOrThrow();
    }

    /** [N, C, H, W] to [N, C, (H-1)*s+1, (W-1)*s+1] with s-1 zeros between neighbouring pixels. */
    static NDArray dilate(NDArray x, int s) {
        if (s == 1) {
            return x;
        }
        Shape shape = x.getShape();
        long n = shape.get(0), c = shape.get(1), h = shape.get(2), w = shape.get(3);
        NDArray cells = x.reshape(n, c, h, 1, w, 1);
        cells = cells.concat(cells.getManager().zeros(new Shape(n, c, h, 1, w, s - 1), x.getDataType()), 5);
        cells = cells.concat(cells.getManager().zeros(new Shape(n, c, h, s - 1, w, s), x.getDataType()), 3);
        return cells.reshape(n, c, h * s, w * s).get(new NDIndex(":, :, :{}, :{}", (h - 1) * s + 1, (w - 1) * s + 1));
    }
}
