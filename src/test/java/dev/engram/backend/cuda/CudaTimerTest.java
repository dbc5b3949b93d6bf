package dev.engram.backend.cuda;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * timeMillis on CUDA times the work on the device: events around it on the stream. The device
 * time of a batch of GEMMs is positive and no longer than the host's wall time around the same
 * call (which also waits for the launches), and the work runs once. Skips without a GPU.
 */
class CudaTimerTest {
    @Test
    void deviceTimeOfTheWorkIsPositiveAndWithinTheHostsWallTime() {
        try (CudaBackend gpu = GpuOrSkip.open(); Tensor a = gpu.allocate(Shape.of(1024, 1024));
             Tensor b = gpu.allocate(Shape.of(1024, 1024)); Tensor c = gpu.allocate(Shape.of(1024, 1024))) {
            gpu.randomUniform(a, 1, 0, -1f, 1f);
            gpu.randomUniform(b, 2, 0, -1f, 1f);
            gpu.synchronize();
            int[] runs = {0};
            long start = System.nanoTime();
            double device = gpu.timeMillis(() -> {
                runs[0]++;
                for (int i = 0; i < 20; i++) {
                    gpu.gemm(false, false, 1024, 1024, 1024, 1f, a, b, 0f, c);
                }
            });
            double host = (System.nanoTime() - start) / 1e6;
            assertEquals(1, runs[0]);
            assertTrue(device > 0 && device <= host, "device " + device + " ms, host " + host + " ms");
        }
    }
}
