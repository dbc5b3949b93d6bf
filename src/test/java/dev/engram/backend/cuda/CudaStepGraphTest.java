package dev.engram.backend.cuda;

import dev.engram.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steps replayed as CUDA graphs give the bits the same ops give one by one: a step of a library
 * call (a memset), a kernel whose arguments change every step (random numbers at a new offset, an
 * affine map with a new shift, as Adam's step size changes) and a cuBLAS GEMM. Skips, saying why,
 * without a GPU.
 */
class CudaStepGraphTest extends GpuTest {
    private static final int STEPS = 8;
    private static final int N = 48;

    private static void step(Tensor a, Tensor c, int i) {
        gpu.fill(c, 0.25f);
        gpu.randomUniform(a, 11, 1000L * i, -1f, 1f);
        gpu.affine(a, 1f, 0.01f * i, a);
        gpu.gemm(false, true, N, N, N, 1f, a, a, 1f, c);
    }

    @Test
    void replayedStepsWithPatchedArgumentsGiveTheBitsOfTheOpsRunOneByOne() {
        try (Tensor a = gpu.allocate(N, N); Tensor c = gpu.allocate(N, N)) {
            long replays = gpu.graphReplays();
            long patches = gpu.graphPatches();
            for (int i = 0; i < STEPS; i++) {
                int step = i;
                gpu.runStep(() -> step(a, c, step));
                float[] replayed = c.toFloatArray();
                step(a, c, i);
                assertArrayEquals(c.toFloatArray(), replayed, "step " + i + ": graph and op by op differ");
            }
            String state = " (" + gpu.graphsOff().orElse("graphs on") + ")";
            assertEquals(STEPS - StepGraphs.WARMUP_STEPS, gpu.graphReplays() - replays, "steps replayed" + state);
            // The first replay is the graph as built; each later one patches the offset and the shift.
            assertEquals(2L * (STEPS - StepGraphs.WARMUP_STEPS - 1), gpu.graphPatches() - patches, "nodes patched" + state);
        }
    }
}
