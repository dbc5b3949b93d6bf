package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/** PyTorch's nn.Linear(in, out): weight [out, in], bias [out], both U(-1/sqrt(in), 1/sqrt(in)). */
final class Dense implements Layer {
    private final NDArray weight;
    private final NDArray bias;

    Dense(Params params, String name, int in, int out) {
        double bound = 1 / Math.sqrt(in);
        weight = params.uniform(name + ".weight", new Shape(out, in), bound);
        bias = params.uniform(name + ".bias", new Shape(out), bound);
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
