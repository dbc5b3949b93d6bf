package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * PyTorch's nn.Conv2d(in, out, k, stride, padding): weight [out, in, k, k] and bias [out], both
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in*k*k.
 */
final class Conv implements Layer {
    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;

    Conv(Params params, String name, int in, int out, int kernel, int stride, int padding) {
        double bound = 1 / Math.sqrt((double) in * kernel * kernel);
        this.weight = params.uniform(name + ".weight", new Shape(out, in, kernel, kernel), bound);
        this.bias = params.uniform(name + ".bias", new Shape(out), bound);
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1))
                .singletonOrThrow();
    }
}
