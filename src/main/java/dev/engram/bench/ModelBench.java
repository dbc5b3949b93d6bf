package dev.engram.bench;

import dev.engram.backend.Backend;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.model.Presets;
import dev.engram.optim.Adam;
import dev.engram.tensor.Tensor;

/**
 * Times one model preset on one backend, the one way engram times a training step (forward,
 * loss, backward, Adam at lr 1e-3): {@code warmup} untimed steps, then
 * <ol>
 *   <li>{@code steps} steps, each timed on the backend's clock ({@link Backend#timeMillis}: device
 *       events on a GPU, the host clock on the CPU): ms per step;</li>
 *   <li>{@code steps} steps back to back with one wait at the end and no loss read: training
 *       images/s, what a pipelined device reaches;</li>
 *   <li>in evaluation mode, {@code warmup} untimed then {@code steps} timed reconstructions
 *       (encode then decode) back to back: inference images/s. Each goes through
 *       {@link Backend#runStep} as a training step does, so a GPU replays it as one graph.</li>
 * </ol>
 * Inputs are uniform noise in [0, 1]: the work of a step does not depend on the pixel values.
 */
public final class ModelBench {
    /** The model's weights are drawn from this seed, as the peers' are from theirs. */
    static final long SEED = 1;

    private ModelBench() {
    }

    /** What one model measured. */
    public record Figures(long parameters, Timings step, double trainImagesPerSecond, double inferenceImagesPerSecond,
                          long peakMemoryBytes, String peakMemoryKind, long backendBytes) {
    }

    public static Figures run(Backend backend, String model, int batch, int steps, int warmup) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("bench: steps must be >= 1 and warmup >= 0, got steps " + steps
                    + ", warmup " + warmup);
        }
        ModelSpec spec = Presets.spec(model);
        PeakMemory peak = PeakMemory.start(backend);
        try (AutoencoderModel m = spec.build().build(backend, SEED); Adam adam = new Adam(m.parameterStore());
             Tensor x = backend.allocate(spec.inputShape(batch))) {
            backend.randomUniform(x, SEED, 0, 0f, 1f);
            m.requireInputGradient(false);
            Trainee t = new Trainee(m, adam, x);
            for (int i = 0; i < warmup; i++) {
                t.step();
            }
            backend.synchronize();
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                ms[i] = backend.timeMillis(t::step);
            }
            long backendBytes = backend.liveBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.step();
            }
            backend.synchronize();
            double trainRate = rate(batch, steps, t0);
            m.train(false);
            Runnable reconstruct = () -> m.reconstruct(x);
            for (int i = 0; i < warmup; i++) {
                backend.runStep(reconstruct);
            }
            backend.synchronize();
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                backend.runStep(reconstruct);
            }
            backend.synchronize();
            double inferenceRate = rate(batch, steps, t0);
            return new Figures(m.parameterStore().count(), Timings.of(ms), trainRate, inferenceRate, peak.bytes(),
                    peak.kind(), backendBytes);
        }
    }

    private static double rate(int batch, int steps, long startNanos) {
        return (double) batch * steps / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** A model, its optimizer and a batch: one training step at a time, counting steps for the model's noise. */
    private static final class Trainee {
        private final AutoencoderModel model;
        private final Adam adam;
        private final Tensor x;
        private long step;

        Trainee(AutoencoderModel model, Adam adam, Tensor x) {
            this.model = model;
            this.adam = adam;
            this.x = x;
        }

        void step() {
            model.backend().runStep(() -> {
                adam.zeroGrad();
                model.lossForward(x, x, step++);
                model.lossBackward();
                adam.step();
            });
        }
    }
}
