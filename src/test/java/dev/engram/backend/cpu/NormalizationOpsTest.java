package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.GradCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Batch and layer normalisation ops against float64 references and finite differences. */
class NormalizationOpsTest {
    private static final float EPS = 1e-5f;
    private static final float MOMENTUM = 0.1f;
    private final Backend cpu = TestBackends.cpu();

    private Tensor tensor(double[] v, int... dims) {
        return cpu.fromHost(Numerics.toFloat(v), Shape.of(dims));
    }

    // ---------------------------------------------------------------- batch normalisation

    @Test
    void batchNormTrainingNormalisesAndUpdatesTheRunningStatistics() {
        checkBatchNormTraining(3, 4, 5, 7, 0, 1);
        checkBatchNormTraining(5, 6, 1, 1, 0, 2);
    }

    @Test
    void batchNormTrainingStaysAccurateFarFromZero() {
        // Channels around 1000 with a spread of 0.01: a one-pass E[x^2] - E[x]^2 in float would return garbage.
        checkBatchNormTraining(4, 3, 6, 5, 1000, 3);
    }

    private void checkBatchNormTraining(int n, int c, int h, int w, double center, long seed) {
        int s = h * w;
        double spread = center == 0 ? 1 : 0.01;
        double[] x = Numerics.uniform(seed, n * c * s, center - spread, center + spread);
        double[] gamma = Numerics.uniform(seed + 1, c, 0.5, 2);
        double[] beta = Numerics.uniform(seed + 2, c, -1, 1);
        double[] rm = Numerics.uniform(seed + 3, c, -1, 1);
        double[] rv = Numerics.uniform(seed + 4, c, 0.5, 2);
        try (Tensor xt = tensor(x, n, c, h, w); Tensor gt = tensor(gamma, c); Tensor bt = tensor(beta, c);
             Tensor rmt = tensor(rm, c); Tensor rvt = tensor(rv, c); Tensor yt = cpu.allocate(n, c, h, w);
             Tensor mean = cpu.allocate(c); Tensor invStd = cpu.allocate(c)) {
            cpu.batchNormForwardTraining(xt, gt, bt, EPS, MOMENTUM, rmt, rvt, yt, mean, invStd);

            double[] batchMean = ReferencePointwise.channelMean(x, n, c, s);
            double[] biased = ReferencePointwise.channelVariance(x, n, c, s, false);
            double[] unbiased = ReferencePointwise.channelVariance(x, n, c, s, true);
            double[] expectedInvStd = new double[c];
            double[] expectedRm = new double[c];
            double[] expectedRv = new double[c];
            for (int ch = 0; ch < c; ch++) {
                expectedInvStd[ch] = 1 / Math.sqrt(biased[ch] + EPS);
                expectedRm[ch] = (1 - MOMENTUM) * rm[ch] + MOMENTUM * batchMean[ch];
                expectedRv[ch] = (1 - MOMENTUM) * rv[ch] + MOMENTUM * unbiased[ch];
            }
            double[] y = ReferencePointwise.batchNorm(x, n, c, s, batchMean, biased, gamma, beta, EPS);
            Numerics.assertClose("batch norm y", y, yt.toFloatArray(), 2e-6);
            Numerics.assertClose("saveMean", batchMean, mean.toFloatArray(), 1e-7);
            Numerics.assertClose("saveInvStd", expectedInvStd, invStd.toFloatArray(), 1e-6);
            Numerics.assertClose("running_mean", expectedRm, rmt.toFloatArray(), 1e-7);
            Numerics.assertClose("running_var", expectedRv, rvt.toFloatArray(), 1e-6);
        }
    }

    @Test
    void batchNormInferenceUsesTheGivenStatistics() {
        int n = 3;
        int c = 4;
        int s = 6;
        double[] x = Numerics.uniform(20, n * c * s, -2, 2);
        double[] gamma = Numerics.uniform(21, c, 0.5, 2);
        double[] beta = Numerics.uniform(22, c, -1, 1);
        double[] rm = Numerics.uniform(23, c, -1, 1);
        double[] rv = Numerics.uniform(24, c, 0.5, 2);
        try (Tensor xt = tensor(x, n, c, 2, 3); Tensor gt = tensor(gamma, c); Tensor bt = tensor(beta, c);
             Tensor rmt = tensor(rm, c); Tensor rvt = tensor(rv, c); Tensor yt = cpu.allocate(n, c, 2, 3)) {
            cpu.batchNormForwardInference(xt, gt, bt, rmt, rvt, EPS, yt);
            Numerics.assertClose("inference y", ReferencePointwise.batchNorm(x, n, c, s, rm, rv, gamma, beta, EPS),
                    yt.toFloatArray(), 1e-6);
            Numerics.assertClose("running stats untouched", rm, rmt.toFloatArray(), 0);
            Numerics.assertClose("running stats untouched", rv, rvt.toFloatArray(), 0);
        }
    }

    @Test
    void batchNormBackwardMatchesFiniteDifferencesOfTheTrainingForward() {
        int n = 3;
        int c = 4;
        int s = 10;
        double[] x = Numerics.uniform(30, n * c * s, -1, 2);
        double[] gamma = Numerics.uniform(31, c, 0.5, 2);
        double[] beta = Numerics.uniform(32, c, -1, 1);
        double[] g = Numerics.uniform(33, x.length, -1, 1);
        double[] dgamma0 = Numerics.uniform(34, c, -1, 1);
        double[] dbeta0 = Numerics.uniform(35, c, -1, 1);
        try (Tensor xt = tensor(x, n, c, s); Tensor gt = tensor(gamma, c); Tensor bt = tensor(beta, c);
             Tensor rmt = cpu.zeros(Shape.of(c)); Tensor rvt = cpu.zeros(Shape.of(c)); Tensor yt = cpu.allocate(n, c, s);
             Tensor mean = cpu.allocate(c); Tensor invStd = cpu.allocate(c); Tensor dyt = tensor(g, n, c, s);
             Tensor dxt = cpu.allocate(n, c, s); Tensor dgt = tensor(dgamma0, c); Tensor dbt = tensor(dbeta0, c)) {
            cpu.fill(dxt, Float.NaN);
            cpu.batchNormForwardTraining(xt, gt, bt, EPS, MOMENTUM, rmt, rvt, yt, mean, invStd);
            cpu.batchNormBackward(xt, dyt, gt, mean, invStd, dxt, dgt, dbt);

            double[] dx = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.batchNormTraining(v, n, c, s, gamma, beta, EPS)), x.clone());
            double[] dgamma = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.batchNormTraining(x, n, c, s, v, beta, EPS)), gamma.clone());
            double[] dbeta = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.batchNormTraining(x, n, c, s, gamma, v, EPS)), beta.clone());
            Numerics.assertClose("batch norm dx", dx, dxt.toFloatArray(), 2e-5, 1e-6);
            Numerics.assertClose("batch norm dgamma (accumulated)", plus(dgamma0, dgamma), dgt.toFloatArray(), 1e-5, 1e-6);
            Numerics.assertClose("batch norm dbeta (accumulated)", plus(dbeta0, dbeta), dbt.toFloatArray(), 1e-5, 1e-6);
        }
    }

    // ---------------------------------------------------------------- layer normalisation

    @Test
    void layerNormForwardNormalisesEachRow() {
        int rows = 6;
        int d = 20;
        double[] x = Numerics.uniform(40, rows * d, 4, 7);
        double[] gamma = Numerics.uniform(41, d, 0.5, 2);
        double[] beta = Numerics.uniform(42, d, -1, 1);
        try (Tensor xt = tensor(x, 2, 3, 4, 5); Tensor gt = tensor(gamma, 4, 5); Tensor bt = tensor(beta, 4, 5);
             Tensor yt = cpu.allocate(2, 3, 4, 5); Tensor mean = cpu.allocate(rows); Tensor invStd = cpu.allocate(rows)) {
            cpu.layerNormForward(xt, gt, bt, EPS, yt, mean, invStd);
            Numerics.assertClose("layer norm y", ReferencePointwise.layerNorm(x, gamma, beta, EPS), yt.toFloatArray(), 2e-6);
            double[] expectedMean = new double[rows];
            double[] expectedInvStd = new double[rows];
            for (int r = 0; r < rows; r++) {
                double[] row = java.util.Arrays.copyOfRange(x, r * d, (r + 1) * d);
                expectedMean[r] = ReferencePointwise.channelMean(row, d, 1, 1)[0];
                expectedInvStd[r] = 1 / Math.sqrt(ReferencePointwise.channelVariance(row, d, 1, 1, false)[0] + EPS);
            }
            Numerics.assertClose("layer norm saveMean", expectedMean, mean.toFloatArray(), 1e-7);
            Numerics.assertClose("layer norm saveInvStd", expectedInvStd, invStd.toFloatArray(), 1e-6);
        }
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferences() {
        int rows = 7;
        int d = 9;
        double[] x = Numerics.uniform(50, rows * d, -1, 2);
        double[] gamma = Numerics.uniform(51, d, 0.5, 2);
        double[] beta = Numerics.uniform(52, d, -1, 1);
        double[] g = Numerics.uniform(53, x.length, -1, 1);
        double[] dgamma0 = Numerics.uniform(54, d, -1, 1);
        double[] dbeta0 = Numerics.uniform(55, d, -1, 1);
        try (Tensor xt = tensor(x, rows, d); Tensor gt = tensor(gamma, d); Tensor bt = tensor(beta, d);
             Tensor yt = cpu.allocate(rows, d); Tensor mean = cpu.allocate(rows); Tensor invStd = cpu.allocate(rows);
             Tensor dyt = tensor(g, rows, d); Tensor dxt = cpu.allocate(rows, d); Tensor dgt = tensor(dgamma0, d);
             Tensor dbt = tensor(dbeta0, d)) {
            cpu.fill(dxt, Float.NaN);
            cpu.layerNormForward(xt, gt, bt, EPS, yt, mean, invStd);
            cpu.layerNormBackward(xt, dyt, gt, mean, invStd, dxt, dgt, dbt);

            double[] dx = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.layerNorm(v, gamma, beta, EPS)), x.clone());
            double[] dgamma = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.layerNorm(x, v, beta, EPS)), gamma.clone());
            double[] dbeta = GradCheck.numericGradient(
                    v -> Numerics.dot(g, ReferencePointwise.layerNorm(x, gamma, v, EPS)), beta.clone());
            Numerics.assertClose("layer norm dx", dx, dxt.toFloatArray(), 2e-5, 1e-6);
            Numerics.assertClose("layer norm dgamma (accumulated)", plus(dgamma0, dgamma), dgt.toFloatArray(), 1e-5, 1e-6);
            Numerics.assertClose("layer norm dbeta (accumulated)", plus(dbeta0, dbeta), dbt.toFloatArray(), 1e-5, 1e-6);
        }
    }

    @Test
    void layerNormBackwardMayWriteDxOverDy() {
        int rows = 5;
        int d = 8;
        double[] x = Numerics.uniform(60, rows * d, -1, 1);
        double[] gamma = Numerics.uniform(61, d, 0.5, 2);
        double[] g = Numerics.uniform(62, x.length, -1, 1);
        try (Tensor xt = tensor(x, rows, d); Tensor gt = tensor(gamma, d); Tensor bt = cpu.zeros(Shape.of(d));
             Tensor yt = cpu.allocate(rows, d); Tensor mean = cpu.allocate(rows); Tensor invStd = cpu.allocate(rows);
             Tensor dy = tensor(g, rows, d); Tensor dx = cpu.allocate(rows, d); Tensor shared = tensor(g, rows, d);
             Tensor dg1 = cpu.zeros(Shape.of(d)); Tensor db1 = cpu.zeros(Shape.of(d));
             Tensor dg2 = cpu.zeros(Shape.of(d)); Tensor db2 = cpu.zeros(Shape.of(d))) {
            cpu.layerNormForward(xt, gt, bt, EPS, yt, mean, invStd);
            cpu.layerNormBackward(xt, dy, gt, mean, invStd, dx, dg1, db1);
            cpu.layerNormBackward(xt, shared, gt, mean, invStd, shared, dg2, db2);
            assertArrayEquals(dx.toFloatArray(), shared.toFloatArray());
            assertArrayEquals(dg1.toFloatArray(), dg2.toFloatArray());
            assertArrayEquals(db1.toFloatArray(), db2.toFloatArray());
        }
    }

    // ---------------------------------------------------------------- threads

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        try (CpuBackend single = new CpuBackend(1)) {
            // Sizes that split into several chunks on the 2-thread backend.
            assertArrayEquals(batchNormStep(single, 4, 64, 16), batchNormStep(cpu, 4, 64, 16));
            assertArrayEquals(layerNormStep(single, 2048, 64), layerNormStep(cpu, 2048, 64));
        }
    }

    /** y, dx, dgamma, dbeta, running stats of one training step, concatenated. */
    private static float[] batchNormStep(Backend b, int n, int c, int hw) {
        Shape xs = Shape.of(n, c, hw, hw);
        int size = (int) xs.numel();
        try (Tensor x = b.fromHost(Numerics.toFloat(Numerics.uniform(70, size, -1, 3)), xs);
             Tensor dy = b.fromHost(Numerics.toFloat(Numerics.uniform(71, size, -1, 1)), xs);
             Tensor gamma = b.fromHost(Numerics.toFloat(Numerics.uniform(72, c, 0.5, 2)), Shape.of(c));
             Tensor beta = b.zeros(Shape.of(c)); Tensor rm = b.zeros(Shape.of(c)); Tensor rv = b.zeros(Shape.of(c));
             Tensor y = b.allocate(xs); Tensor dx = b.allocate(xs); Tensor mean = b.allocate(c);
             Tensor invStd = b.allocate(c); Tensor dg = b.zeros(Shape.of(c)); Tensor db = b.zeros(Shape.of(c))) {
            b.batchNormForwardTraining(x, gamma, beta, EPS, MOMENTUM, rm, rv, y, mean, invStd);
            b.batchNormBackward(x, dy, gamma, mean, invStd, dx, dg, db);
            return concat(y, dx, dg, db, rm, rv);
        }
    }

    private static float[] layerNormStep(Backend b, int rows, int d) {
        Shape xs = Shape.of(rows, d);
        int size = rows * d;
        try (Tensor x = b.fromHost(Numerics.toFloat(Numerics.uniform(80, size, -1, 3)), xs);
             Tensor dy = b.fromHost(Numerics.toFloat(Numerics.uniform(81, size, -1, 1)), xs);
             Tensor gamma = b.fromHost(Numerics.toFloat(Numerics.uniform(82, d, 0.5, 2)), Shape.of(d));
             Tensor beta = b.zeros(Shape.of(d)); Tensor y = b.allocate(xs); Tensor dx = b.allocate(xs);
             Tensor mean = b.allocate(rows); Tensor invStd = b.allocate(rows); Tensor dg = b.zeros(Shape.of(d));
             Tensor db = b.zeros(Shape.of(d))) {
            b.layerNormForward(x, gamma, beta, EPS, y, mean, invStd);
            b.layerNormBackward(x, dy, gamma, mean, invStd, dx, dg, db);
            return concat(y, dx, dg, db);
        }
    }

    private static float[] concat(Tensor... ts) {
        int total = 0;
        for (Tensor t : ts) {
            total += (int) t.numel();
        }
        float[] out = new float[total];
        int at = 0;
        for (Tensor t : ts) {
            t.backend().copyToHost(t, out, at);
            at += (int) t.numel();
        }
        return out;
    }

    private static double[] plus(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }
}
