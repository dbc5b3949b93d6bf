package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a sequence of layers like PyTorch's nn.Sequential, naming each parameter after the
 * position of its layer ("encoder.3.weight"), as a PyTorch state dict does.
 */
final class Stack {
    private final Params params;
    private final String prefix;
    private final List<Layer> layers = new ArrayList<>();

    Stack(Params params, String prefix) {
        this.params = params;
        this.prefix = prefix;
    }

    Stack dense(int in, int out) {
        return add(new Dense(params, nextName(), in, out));
    }

    Stack conv(int in, int out, int kernel, int stride, int padding) {
        return add(new Conv(params, nextName(), in, out, kernel, stride, padding));
    }

    Stack convTranspose(int in, int out, int kernel, int stride, int padding) {
        return add(new ConvTranspose(params, nextName(), in, out, kernel, stride, padding));
    }

    Stack batchNorm(int channels) {
        return add(new BatchNorm(params, nextName(), channels));
    }

    Stack relu() {
        return add((x, training) -> Activation.relu(x));
    }

    Stack leakyRelu(float slope) {
        return add((x, training) -> Activation.leakyRelu(x, slope));
    }

    Stack sigmoid() {
        return add((x, training) -> Activation.sigmoid(x));
    }

    /** [N, ...] to [N, product of the rest]. */
    Stack flatten() {
        return add((x, training) -> x.reshape(x.getShape().get(0), -1));
    }

    /** [N, c*h*w] to [N, c, h, w]. */
    Stack reshape(long c, long h, long w) {
        return add((x, training) -> x.reshape(new Shape(x.getShape().get(0), c, h, w)));
    }

    Layer build() {
        List<Layer> steps = List.copyOf(layers);
        return (x, training) -> {
            NDArray y = x;
            for (Layer layer : steps) {
                y = layer.forward(y, training);
            }
            return y;
        };
    }

    private String nextName() {
        return prefix + "." + layers.size();
    }

    private Stack add(Layer layer) {
        layers.add(layer);
        return this;
    }
}
