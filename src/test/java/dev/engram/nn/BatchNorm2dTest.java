package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNorm2dTest {
    private static final double EPS = 1e-5;
    private final Backend cpu = TestBackends.cpu();

    /** x [2, 2, 1, 2]: channel 0 holds 1, 3 (sample 0) and 5, 7 (sample 1); channel 1 holds -1, -1 and 1, 1. */
    private static final float[] X = {1, 3, -1, -1, 5, 7, 1, 1};

    private void set(Parameter p, float... values) {
        cpu.copyFromHost(values, 0, p.value());
    }

    @Test
    void declaresPyTorchsParametersAndBuffers() {
        try (BatchNorm2d bn = new BatchNorm2d(3).build(cpu, 0)) {
            assertEquals(List.of("weight", "bias"),
                    bn.parameters().stream().map(Parameter::name).collect(Collectors.toList()));
            assertEquals(List.of("running_mean", "running_var"),
                    bn.buffers().stream().map(Parameter::name).collect(Collectors.toList()));
            Numerics.assertClose("weight", new double[] {1, 1, 1}, bn.weight().value().toFloatArray(), 0);
            Numerics.assertClose("bias", new double[] {0, 0, 0}, bn.bias().value().toFloatArray(), 0);
            Numerics.assertClose("running_mean", new double[] {0, 0, 0}, bn.runningMean().value().toFloatArray(), 0);
            Numerics.assertClose("running_var", new double[] {1, 1, 1}, bn.runningVar().value().toFloatArray(), 0);
        }
    }

    @Test
    void normalisesWithBatchStatisticsAndTracksThemLikePyTorch() {
        try (BatchNorm2d bn = new BatchNorm2d(2).build(cpu, 0); Tensor x = cpu.fromHost(X, Shape.of(2, 2, 1, 2))) {
            set(bn.weight(), 2, 0.5f);
            set(bn.bias(), 0.1f, -1);
            // Channel 0: mean 4, biased variance (9 + 1 + 1 + 9) / 4 = 5, unbiased 20 / 3.
            // Channel 1: mean 0, biased variance 1, unbiased 4 / 3.
            double s0 = 2 / Math.sqrt(5 + EPS);
            double s1 = 0.5 / Math.sqrt(1 + EPS);
            Numerics.assertClose("step 1 y", new double[] {
                -3 * s0 + 0.1, -1 * s0 + 0.1, -s1 - 1, -s1 - 1,
                1 * s0 + 0.1, 3 * s0 + 0.1, s1 - 1, s1 - 1}, bn.forward(x).toFloatArray(), 1e-6);
            // running = 0.9 running + 0.1 batch, from mean 0 and variance 1.
            double[] mean1 = {0.9 * 0 + 0.1 * 4, 0.9 * 0 + 0.1 * 0};
            double[] var1 = {0.9 * 1 + 0.1 * 20 / 3.0, 0.9 * 1 + 0.1 * 4 / 3.0};
            Numerics.assertClose("running_mean after 1 step", mean1, bn.runningMean().value().toFloatArray(), 1e-7);
            Numerics.assertClose("running_var after 1 step", var1, bn.runningVar().value().toFloatArray(), 1e-7);

            // Step 2 on 2x: channel 0 mean 8, unbiased variance 80 / 3; channel 1 mean 0, unbiased variance 16 / 3.
            cpu.affine(x, 2, 0, x);
            bn.forward(x);
            double[] mean2 = {0.9 * mean1[0] + 0.1 * 8, 0.9 * mean1[1] + 0.1 * 0};
            double[] var2 = {0.9 * var1[0] + 0.1 * 80 / 3.0, 0.9 * var1[1] + 0.1 * 16 / 3.0};
            Numerics.assertClose("running_mean after 2 steps", mean2, bn.runningMean().value().toFloatArray(), 1e-7);
            Numerics.assertClose("running_var after 2 steps", var2, bn.runningVar().value().toFloatArray(), 1e-7);

            // Evaluation mode: the running statistics, left unchanged.
            bn.train(false);
            cpu.copyFromHost(X, 0, x);
            double[] expected = new double[X.length];
            double[] w = {2, 0.5};
            double[] b = {0.1, -1};
            for (int i = 0; i < X.length; i++) {
                int c = (i / 2) % 2;
                expected[i] = w[c] * (X[i] - mean2[c]) / Math.sqrt(var2[c] + EPS) + b[c];
            }
            Numerics.assertClose("eval y", expected, bn.forward(x).toFloatArray(), 1e-6);
            Numerics.assertClose("running_mean after eval", mean2, bn.runningMean().value().toFloatArray(), 1e-7);
            Numerics.assertClose("running_var after eval", var2, bn.runningVar().value().toFloatArray(), 1e-7);
        }
    }

    @Test
    void trainingGradientsTreatTheBatchStatisticsAsFunctionsOfX() {
        checkTraining(Shape.of(3, 4, 5, 7), 31);
        checkTraining(Shape.of(5, 6), 32);
    }

    private void checkTraining(Shape shape, long seed) {
        int n = shape.dim(0);
        int c = shape.dim(1);
        int s = (int) shape.numelFrom(2);
        try (BatchNorm2d bn = new BatchNorm2d(c).build(cpu, 0)) {
            set(bn.weight(), Numerics.toFloat(Numerics.uniform(seed, c, 0.5, 2)));
            set(bn.bias(), Numerics.toFloat(Numerics.uniform(seed + 1, c, -1, 1)));
            ModuleCheck.of(bn, (x, p) -> ReferencePointwise.batchNormTraining(x, n, c, s, p.get("weight"), p.get("bias"),
                    EPS)).check(shape, seed + 2);
        }
    }

    @Test
    void evaluationGradientsAreThoseOfTheFixedAffineMap() {
        for (Shape shape : List.of(Shape.of(3, 4, 5, 7), Shape.of(1, 4))) {
            int n = shape.dim(0);
            int c = shape.dim(1);
            int s = (int) shape.numelFrom(2);
            try (BatchNorm2d bn = new BatchNorm2d(c).build(cpu, 0)) {
                set(bn.weight(), Numerics.toFloat(Numerics.uniform(40, c, 0.5, 2)));
                set(bn.bias(), Numerics.toFloat(Numerics.uniform(41, c, -1, 1)));
                set(bn.runningMean(), Numerics.toFloat(Numerics.uniform(42, c, -1, 1)));
                set(bn.runningVar(), Numerics.toFloat(Numerics.uniform(43, c, 0.5, 2)));
                bn.train(false);
                ModuleCheck.of(bn, (x, p) -> ReferencePointwise.batchNorm(x, n, c, s, p.get("running_mean"),
                        p.get("running_var"), p.get("weight"), p.get("bias"), EPS)).check(shape, 44);
            }
        }
    }

    @Test
    void accumulatesParameterGradientsWithoutTheInputGradient() {
        try (BatchNorm2d bn = new BatchNorm2d(2).build(cpu, 0); Tensor x = cpu.fromHost(X, Shape.of(2, 2, 1, 2));
             Tensor dy = cpu.fromHost(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, Shape.of(2, 2, 1, 2))) {
            bn.requireInputGradient(false);
            for (boolean training : new boolean[] {true, false}) {
                bn.train(training);
                bn.parameterStore().zeroGrad();
                bn.forward(x);
                assertNull(bn.backward(dy));
                // dbias = sum of dy per channel: 1 + 2 + 5 + 6 and 3 + 4 + 7 + 8.
                Numerics.assertClose("dbias, training " + training, new double[] {14, 22},
                        bn.bias().grad().toFloatArray(), 1e-7);
            }
        }
    }

    @Test
    void refusesAWrongChannelCountWithoutAllocating() {
        try (BatchNorm2d bn = new BatchNorm2d(4).build(cpu, 0); Tensor image = cpu.allocate(2, 3, 5, 5);
             Tensor features = cpu.allocate(2, 5); Tensor flat = cpu.allocate(8);
             Tensor sequence = cpu.allocate(2, 4, 5)) {
            long before = cpu.liveBytes();
            for (Tensor x : List.of(image, features, flat, sequence)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(x));
                assertTrue(e.getMessage().contains("BatchNorm2d(4)") && e.getMessage().contains(x.shape().toString())
                        && e.getMessage().contains("[N, 4, H, W]"), e.getMessage());
            }
            assertEquals(before, cpu.liveBytes());
        }
    }

    @Test
    void refusesOneValuePerChannelInTrainingOnly() {
        try (BatchNorm2d bn = new BatchNorm2d(4).build(cpu, 0); Tensor single = cpu.zeros(Shape.of(1, 4));
             Tensor pixel = cpu.zeros(Shape.of(1, 4, 1, 1))) {
            long before = cpu.liveBytes();
            for (Tensor x : List.of(single, pixel)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(x));
                assertTrue(e.getMessage().contains("BatchNorm2d(4)") && e.getMessage().contains(x.shape().toString())
                        && e.getMessage().contains("one"), e.getMessage());
            }
            assertEquals(before, cpu.liveBytes());
            Numerics.assertClose("running_mean untouched", new double[4], bn.runningMean().value().toFloatArray(), 0);
            bn.train(false);
            bn.forward(single);
        }
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3, 0f, 0.1f));
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3, 1e-5f, 1.5f));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
    }
}
