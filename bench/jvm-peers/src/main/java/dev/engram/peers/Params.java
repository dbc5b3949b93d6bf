package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named tensors of a model in declaration order (names as in a PyTorch state dict). Initial
 * values are drawn in Java from a seeded stream, so a seed gives the same weights whatever
 * libtorch's own generator does.
 */
final class Params {
    private final NDManager manager;
    private final SplittableRandom random;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    Params(NDManager manager, long seed) {
        this.manager = manager;
        this.random = new SplittableRandom(seed);
    }

    /** A trainable tensor drawn from U(-bound, bound), as PyTorch's default init for Linear and Conv. */
    NDArray uniform(String name, Shape shape, double bound) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return add(trainable, name, manager.create(values, shape), true);
    }

    /** A trainable tensor filled with one value (BatchNorm's weight 1 and bias 0). */
    NDArray constant(String name, Shape shape, float value) {
        return add(trainable, name, manager.full(shape, value), true);
    }

    /** A non-trainable state tensor (BatchNorm's running statistics). */
    NDArray buffer(String name, Shape shape, float value) {
        return add(buffers, name, manager.full(shape, value), false);
    }

    Map<String, NDArray> trainable() {
        return Collections.unmodifiableMap(trainable);
    }

    long trainableCount() {
        return trainable.values().stream().mapToLong(NDArray::size).sum();
    }

    private static NDArray add(Map<String, NDArray> into, String name, NDArray value, boolean requiresGradient) {
        if (into.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' declared twice");
        }
        if (requiresGradient) {
            value.setRequiresGradient(true);
        }
        return value;
    }
}
