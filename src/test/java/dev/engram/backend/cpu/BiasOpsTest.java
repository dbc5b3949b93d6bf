package dev.engram.backend.cpu;

import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * biasAdd and biasBackward on a Linear's [N, C] (the row-wise path) and on images [N, C, H, W],
 * against float64 sums, and to the bit on one and three threads.
 */
class BiasOpsTest {
    private static final CpuBackend ONE_THREAD = new CpuBackend(1);
    private static final CpuBackend THREE_THREADS = new CpuBackend(3);
    /** [N, C] large enough to split over threads, one with odd sizes, and two image shapes. */
    private static final int[][] SHAPES = {{300, 517}, {3, 5}, {4, 3, 5, 7}, {2, 6, 1, 1}};

    @AfterAll
    static void close() {
        ONE_THREAD.close();
        THREE_THREADS.close();
    }

    @Test
    void biasAddAddsEachChannelsBias() {
        long seed = 1;
        for (int[] dims : SHAPES) {
            Shape shape = Shape.of(dims);
            int channels = dims[1];
            int inner = (int) shape.numelFrom(2);
            double[] y = Numerics.uniform(seed++, (int) shape.numel(), -1, 1);
            double[] b = Numerics.uniform(seed++, channels, -1, 1);
            double[] expected = y.clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] += b[i / inner % channels];
            }
            for (CpuBackend cpu : new CpuBackend[] {ONE_THREAD, THREE_THREADS}) {
                try (Tensor yt = cpu.fromHost(Numerics.toFloat(y), shape);
                     Tensor bt = cpu.fromHost(Numerics.toFloat(b), Shape.of(channels))) {
                    cpu.biasAdd(yt, bt);
                    Numerics.assertClose("biasAdd " + shape, expected, yt.toFloatArray(), 1e-6, 1e-6);
                }
            }
        }
    }

    @Test
    void biasBackwardAccumulatesTheSumOverAllButTheChannelAxis() {
        long seed = 100;
        for (int[] dims : SHAPES) {
            Shape shape = Shape.of(dims);
            int channels = dims[1];
            int inner = (int) shape.numelFrom(2);
            double[] dy = Numerics.uniform(seed++, (int) shape.numel(), -1, 1);
            double[] before = Numerics.uniform(seed++, channels, -1, 1);
            double[] expected = before.clone();
            for (int i = 0; i < dy.length; i++) {
                expected[i / inner % channels] += dy[i];
            }
            float[][] results = new float[2][];
            int r = 0;
            for (CpuBackend cpu : new CpuBackend[] {ONE_THREAD, THREE_THREADS}) {
                try (Tensor dyt = cpu.fromHost(Numerics.toFloat(dy), shape);
                     Tensor db = cpu.fromHost(Numerics.toFloat(before), Shape.of(channels))) {
                    cpu.biasBackward(dyt, db);
                    results[r++] = db.toFloatArray();
                    Numerics.assertClose("biasBackward " + shape, expected, db.toFloatArray(), 1e-6, 1e-5);
                }
            }
            assertArrayEquals(results[0], results[1], "biasBackward " + shape + " on 1 and 3 threads");
        }
    }
}
