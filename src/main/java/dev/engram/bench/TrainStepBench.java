package dev.engram.bench;

import dev.engram.backend.Backend;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.model.Presets;
import dev.engram.optim.Adam;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Milliseconds per training step (forward, loss, backward, Adam) of a model preset on the CPU
 * backend, median over timed steps after warm-up. Inputs are uniform noise in [0, 1]: the work of
 * a step does not depend on the pixel values. Usage:
 * {@code TrainStepBench [preset=conv-ae|dense-ae|...] [batch] [steps] [threads]}.
 */
public final class TrainStepBench {
    private TrainStepBench() {
    }

    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "conv-ae";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : model.equals("dense-ae") ? 256 : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        try (CpuBackend cpu = new CpuBackend(threads)) {
            double[] ms = run(cpu, model, batch, steps, Math.max(3, steps / 5));
            double median = median(ms);
            System.out.printf(Locale.ROOT, "%s batch %d on %s (%d threads): %.1f ms/step median (min %.1f, max %.1f) over %d"
                            + " steps, %.0f images/s%n", model, batch, cpu.name(), threads, median,
                    Arrays.stream(ms).min().orElse(0), Arrays.stream(ms).max().orElse(0), steps, batch * 1000 / median);
        }
    }

    /** Times {@code steps} training steps after {@code warmup} untimed ones; returns ms per step. */
    public static double[] run(Backend backend, String model, int batch, int steps, int warmup) {
        ModelSpec spec = Presets.spec(model);
        Shape input = spec.inputShape(batch);
        try (AutoencoderModel m = spec.build().build(backend, 1); Adam adam = new Adam(m.parameterStore());
             Tensor x = backend.allocate(input)) {
            backend.randomUniform(x, 2, 0, 0f, 1f);
            m.requireInputGradient(false);
            double[] ms = new double[steps];
            for (int i = -warmup; i < steps; i++) {
                long t0 = System.nanoTime();
                adam.zeroGrad();
                m.lossForward(x, x, i);
                m.lossBackward();
                adam.step();
                backend.synchronize();
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            return ms;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
