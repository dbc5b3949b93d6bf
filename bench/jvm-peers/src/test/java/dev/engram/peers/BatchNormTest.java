package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** BatchNorm2d as PyTorch: batch statistics and a 0.1-momentum running update while training. */
class BatchNormTest {
    @Test
    void normalisesByBatchStatisticsAndUpdatesRunningOnesWithMomentumPointOne() {
        int n = 3, c = 2, hw = 5;
        Random r = new Random(2);
        float[] x = new float[n * c * hw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 + 2 * r.nextGaussian());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Params p = new Params(m, 1);
            BatchNorm bn = new BatchNorm(p, "bn", c);
            NDArray input = m.create(x, new Shape(n, c, 1, hw));
            float[] train = bn.forward(input, true).toFloatArray();
            float[] eval = bn.forward(input, false).toFloatArray();
            for (int ch = 0; ch < c; ch++) {
                double sum = 0, sq = 0;
                int count = n * hw;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < hw; i++) {
                        sum += x[(b * c + ch) * hw + i];
                    }
                }
                double mean = sum / count;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < hw; i++) {
                        sq += Math.pow(x[(b * c + ch) * hw + i] - mean, 2);
                    }
                }
                double runMean = 0.1 * mean, runVar = 0.9 + 0.1 * sq / (count - 1);  // unbiased, as PyTorch
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < hw; i++) {
                        int k = (b * c + ch) * hw + i;
                        assertEquals((x[k] - mean) / Math.sqrt(sq / count + 1e-5), train[k], 1e-4, "train at " + k);
                        assertEquals((x[k] - runMean) / Math.sqrt(runVar + 1e-5), eval[k], 1e-4, "eval at " + k);
                    }
                }
            }
        }
    }
}
