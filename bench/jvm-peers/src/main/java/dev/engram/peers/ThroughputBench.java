package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;

/**
 * Milliseconds per training step (forward, loss, backward, Adam) of the reference models on DJL
 * with libtorch on the CPU: median over the timed steps after warm-up, on uniform noise in [0, 1]
 * of the model's input shape, at the batch of engram's CPU bench. Usage:
 * {@code ThroughputBench [--steps 20] [--warmup 5] [--out file.json] [model ...]}.
 */
public final class ThroughputBench {
    private ThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        StepTimings.run("ThroughputBench", "DJL + libtorch (CPU)", RunInfo.djl(), args, ThroughputBench::time);
    }

    /** Times {@code steps} training steps after {@code warmup} untimed ones; returns ms per step. */
    static double[] time(String name, int batch, int steps, int warmup) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            PeerModel model = ReferenceModels.create(name, manager, 1);
            AdamTrainer trainer = new AdamTrainer(model);
            NDArray x = manager.randomUniform(0, 1, model.inputShape(batch));
            double[] ms = new double[steps];
            for (int i = -warmup; i < steps; i++) {
                long t0 = System.nanoTime();
                trainer.step(x);  // reads the loss back, so the step has finished
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            return ms;
        }
    }
}
