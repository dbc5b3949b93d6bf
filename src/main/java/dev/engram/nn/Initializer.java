package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Tensor;

/** Fills a freshly allocated parameter, drawing any random numbers from the model's stream. */
@FunctionalInterface
public interface Initializer {

    void initialize(Backend backend, Tensor value, RandomStream random);

    /** Every element set to {@code value}. */
    static Initializer constant(float value) {
        return (backend, t, random) -> backend.fill(t, value);
    }

    /** Uniform in [-bound, bound). */
    static Initializer uniform(float bound) {
        return (backend, t, random) -> backend.randomUniform(t, random.seed(), random.take(t.numel()), -bound, bound);
    }

    /**
     * PyTorch's default for Linear and Conv weights and biases: kaiming_uniform_ with a = sqrt(5),
     * which is uniform in +-1/sqrt(fanIn), and the same bound for the bias.
     */
    static Initializer fanInUniform(long fanIn) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("fan-in is " + fanIn + "; it must be > 0");
        }
        return uniform((float) (1.0 / Math.sqrt(fanIn)));
    }
}
