package dev.engram.backend.cuda;

import dev.engram.bench.ModelBench;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's inference batches replay as CUDA graphs, as its training steps do: a class of
 * its own, so that its backend counts steps from the first. Skips, saying why, without a GPU.
 */
class CudaBenchGraphTest extends GpuTest {
    @Test
    void inferenceBatchesReplayAsWellAsTrainingSteps() {
        int warmup = 3;
        int steps = 4;
        ModelBench.run(gpu, "conv-ae", 16, steps, warmup);
        // Training: every step after the warm-up ones. Inference: at least its timed batches (the
        // first one or two differ from the training graph or take memory, and run op by op).
        long training = warmup + 2L * steps - StepGraphs.WARMUP_STEPS;
        long replayed = gpu.graphReplays();
        assertTrue(replayed >= training + steps, replayed + " steps replayed, expected " + training
                + " training steps and at least " + steps + " inference batches ("
                + gpu.graphsOff().orElse("graphs on") + ")");
    }
}
