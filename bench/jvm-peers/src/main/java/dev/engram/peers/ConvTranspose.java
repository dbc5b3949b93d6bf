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
 * <p>DJL's PyTorch engine has no transposed convolution, so it is emulated with differentiable ops
 * in its polyphase form (needs k divisible by the stride s; T = k/s): output pixel o with
 * o + p = s*q + r receives x[q - t] * w[r + s*t] for t in [0, T). For each of the s*s phases
 * (r_h, r_w) that is an ordinary stride-1 convolution of x, padded by T-1, with the T x T kernel
 * w[:, :, r_h + s*t_h, r_w + s*t_w] flipped in space and its in/out channels swapped. All phases
 * run as one convolution with s*s*out channels whose outputs are interleaved into the image.
 * Unlike the textbook emulation (zeros inserted between input pixels, then a k x k convolution)
 * it does no multiplications by inserted zeros: s*s times less work, 4x for the reference models.
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
     * conv_transpose2d(x [N, in, H, W], weight [in, out, k, k], bias [out], stride s, padding p)
     * with output [N, out, (H-1)*s - 2*p + k, (W-1)*s - 2*p + k].
     */
    static NDArray convTranspose2d(NDArray x, NDArray weight, NDArray bias, int s, int p) {
        Shape ws = weight.getShape(), xs = x.getShape();
        long k = ws.get(2);
        if (ws.dimension() != 4 || ws.get(3) != k || s < 1 || k % s != 0 || p < 0 || p > k - 1 || xs.dimension() != 4
                || xs.get(1) != ws.get(0)) {
            throw new IllegalArgumentException("convTranspose2d: needs x [N, in, H, W], weight [in, out, k, k] with k"
                    + " divisible by the stride and 0 <= padding <= k-1; got x " + xs + ", weight " + ws + ", stride " + s
                    + ", padding " + p);
        }
        long in = ws.get(0), out = ws.get(1), t = k / s, n = xs.get(0), h = xs.get(2), w = xs.get(3);
        // [in, out, t_h, r_h, t_w, r_w] -> flip t -> [r_h, r_w, out, in, t_h, t_w]
        NDArray phases = weight.reshape(in, out, t, s, t, s).flip(2, 4).transpose(3, 5, 1, 0, 2, 4)
                .reshape(s * s * out, in, t, t);
        NDArray y = Conv2d.conv2d(x, phases, null, new Shape(1, 1), new Shape(t - 1, t - 1), new Shape(1, 1))
                .singletonOrThrow();
        long qh = h + t - 1, qw = w + t - 1;
        // [N, r_h, r_w, out, q_h, q_w] -> [N, out, q_h, r_h, q_w, r_w]: pixel q*s + r of the phase image
        NDArray image = y.reshape(n, s, s, out, qh, qw).transpose(0, 3, 4, 1, 5, 2).reshape(n, out, qh * s, qw * s);
        long oh = (h - 1) * s - 2 * p + k, ow = (w - 1) * s - 2 * p + k;
        return image.get(new NDIndex(":, :, {}:{}, {}:{}", p, p + oh, p, p + ow)).add(bias.reshape(1, out, 1, 1));
    }
}
