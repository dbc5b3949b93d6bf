package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's nn.BatchNorm2d(c): weight 1, bias 0, running_mean 0, running_var 1, eps 1e-5,
 * momentum 0.1; batch statistics while training (updating the running ones), running ones otherwise.
 */
final class BatchNorm implements Layer {
    /** DJL counts momentum the other way round: it passes 1 - momentum to libtorch. */
    private static final float DJL_MOMENTUM = 1 - 0.1f;
    private static final float EPS = 1e-5f;
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;

    BatchNorm(Params params, String name, int channels) {
        Shape shape = new Shape(channels);
        weight = params.constant(name + ".weight", shape, 1);
        bias = params.constant(name + ".bias", shape, 0);
        runningMean = params.buffer(name + ".running_mean", shape, 0);
        runningVar = params.buffer(name + ".running_var", shape, 1);
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return ai.djl.nn.norm.BatchNorm.batchNorm(x, runningMean, runningVar, weight, bias, 1, DJL_MOMENTUM, EPS, training)
                .singletonOrThrow();
    }
}
