package dev.engram.backend.cuda;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Uploads go through pinned buffers and a copy stream without waiting for the device: the array
 * is taken when the call returns (the caller may overwrite it at once), uploads larger than a
 * staging chunk arrive whole, several uploads in flight each land in their own tensor, and an
 * upload lands in compute-stream order. Skips without a GPU.
 */
class CudaUploadTest {
    @Test
    void uploadsArriveWholeAndTakeTheArrayAsItWasAtTheCall() {
        int big = Uploads.CHUNK_FLOATS * 2 + 7;
        float[] host = new float[big];
        for (int i = 0; i < big; i++) {
            host[i] = i % 1000 - 500.5f;
        }
        float[] first = host.clone();
        try (CudaBackend gpu = GpuOrSkip.open(); Tensor a = gpu.allocate(Shape.of(big));
             Tensor b = gpu.allocate(Shape.of(big)); Tensor c = gpu.allocate(Shape.of(3))) {
            gpu.copyFromHost(host, 0, a);
            Arrays.fill(host, 2f);
            gpu.copyFromHost(host, 0, b);
            gpu.copyFromHost(new float[] {9f, 8f, 7f, 6f}, 1, c);
            Arrays.fill(host, -1f);
            assertArrayEquals(first, a.toFloatArray());
            float[] twos = new float[big];
            Arrays.fill(twos, 2f);
            assertArrayEquals(twos, b.toFloatArray());
            assertArrayEquals(new float[] {8f, 7f, 6f}, c.toFloatArray());
        }
    }

    @Test
    void anUploadLandsOnlyAfterTheOpsIssuedBeforeItHaveReadTheOldValues() {
        int n = 1 << 20;
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        float[] sevens = new float[n];
        Arrays.fill(sevens, 7f);
        try (CudaBackend gpu = GpuOrSkip.open(); Tensor x = gpu.allocate(Shape.of(n));
             Tensor sum = gpu.allocate(Shape.of(n))) {
            gpu.copyFromHost(ones, 0, x);
            gpu.fill(sum, 0f);
            for (int i = 0; i < 50; i++) { // a queue of work reading x while the next upload is on its way
                gpu.add(sum, x, sum);
            }
            gpu.copyFromHost(sevens, 0, x);
            gpu.add(sum, x, sum);
            float[] expected = new float[n];
            Arrays.fill(expected, 57f);
            assertArrayEquals(expected, sum.toFloatArray());
            assertArrayEquals(sevens, x.toFloatArray());
        }
    }
}
