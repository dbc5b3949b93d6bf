package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.model.Presets;
import dev.engram.optim.Adam;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each reference model of DESIGN.md trained 20 steps (Adam, lr 1e-3) on the CPU and on CUDA from
 * the same seed and the same batches: the losses agree to 1e-3 relative at every step (fp32, TF32
 * off). On the GPU, steady-state steps (after the first, which finds the cuDNN algorithms and
 * fills the allocator's cache) take no memory from the driver, copy nothing between host and
 * device but the batch upload and the loss read, make the host wait once, for the loss, and run
 * as CUDA graphs (the steps go through {@link Backend#runStep}). Skips, saying why, without a GPU.
 */
class CudaTrainingParityTest extends GpuTest {
    private static final int STEPS = 20;
    private static final int WARMUP = 2;
    private static final int BATCH = 4;
    private static final double TOLERANCE = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"dense-ae", "conv-ae", "conv-vae", "conv-vae-64"})
    void twentyStepsGiveTheCpuLossesWithNoAllocationOrCopyInSteadyState(String preset) {
        ModelSpec spec = Presets.spec(preset);
        Shape input = spec.inputShape(BATCH);
        float[][] batches = new float[STEPS][];
        for (int i = 0; i < STEPS; i++) {
            batches[i] = Numerics.toFloat(Numerics.uniform(100 + i, (int) input.numel(), 0, 1));
        }
        float[] expected = train(TestBackends.cpu(), spec, input, batches);
        long live = gpu.liveBytes();
        float[] actual = train(gpu, spec, input, batches);
        for (int i = 0; i < STEPS; i++) {
            double rel = Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
            assertTrue(rel <= TOLERANCE, preset + " step " + i + ": loss " + actual[i] + " on CUDA, " + expected[i]
                    + " on the CPU (relative difference " + rel + ")");
        }
        assertEquals(live, gpu.liveBytes(), preset + ": device memory still held after the model was closed");
    }

    /** The loss of each step; on the GPU, also checks what steady-state steps allocate and copy. */
    private static float[] train(Backend backend, ModelSpec spec, Shape input, float[][] batches) {
        float[] losses = new float[batches.length];
        try (AutoencoderModel m = spec.build().build(backend, 1); Adam adam = new Adam(m.parameterStore());
             Tensor x = backend.allocate(input)) {
            m.requireInputGradient(false);
            long allocations = 0;
            long transfers = 0;
            long waits = 0;
            long replays = 0;
            for (int i = 0; i < batches.length; i++) {
                if (i == WARMUP && backend == gpu) {
                    allocations = gpu.driverAllocations();
                    transfers = gpu.hostTransfers();
                    waits = gpu.hostWaits();
                    replays = gpu.graphReplays();
                }
                backend.copyFromHost(batches[i], 0, x);
                Tensor[] loss = new Tensor[1];
                long step = i;
                backend.runStep(() -> {
                    adam.zeroGrad();
                    loss[0] = m.lossForward(x, x, step).total();
                    m.lossBackward();
                    adam.step();
                });
                losses[i] = backend.readScalar(loss[0]);
            }
            if (backend == gpu) {
                int steady = batches.length - WARMUP;
                assertEquals(allocations, gpu.driverAllocations(), "driver allocations in " + steady + " steady steps");
                assertEquals(transfers + 2L * steady, gpu.hostTransfers(),
                        "host<->device copies in " + steady + " steady steps (one upload and one loss read each)");
                assertEquals(waits + steady, gpu.hostWaits(),
                        "host waits in " + steady + " steady steps (the loss read only: uploads do not wait)");
                assertEquals(steady, gpu.graphReplays() - replays, "steady steps run as CUDA graphs ("
                        + gpu.graphsOff().orElse("graphs on") + ")");
            }
        }
        return losses;
    }
}
