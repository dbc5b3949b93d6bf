package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * One fused step of each CPU optimizer op on a buffer split over threads, at non-zero offsets,
 * against a float64 reference of PyTorch's update; results do not depend on the thread count.
 */
class OptimizerOpsTest {
    private static final int N = 2 * CpuElementwise.GRAIN + 3 * CpuElementwise.REDUCE_BLOCK + 7;

    private final Backend cpu = TestBackends.cpu();

    /** Four tensors of N elements at staggered offsets in one storage: param, grad, and two states. */
    private static Tensor[] quad(Tensor storage, double[]... values) {
        Tensor[] out = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = storage.slice(1 + i * (N + 3), 1 + i * (N + 3) + N);
            storage.backend().copyFromHost(Numerics.toFloat(values[i]), 0, out[i]);
        }
        return out;
    }

    @Test
    void sgdWithNesterovAndWeightDecayMatchesTheReference() {
        double[] p = Numerics.uniform(1, N, -1, 1);
        double[] g = Numerics.uniform(2, N, -1, 1);
        double[] buf = Numerics.uniform(3, N, -1, 1);
        double lr = 0.1;
        double mom = 0.9;
        double wd = 0.01;
        try (Tensor storage = cpu.allocate(3 * (N + 3) + 2)) {
            Tensor[] t = quad(storage, p, g, buf);
            cpu.sgdStep(t[0], t[1], t[2], (float) lr, (float) mom, 0f, (float) wd, true, false);
            double[] expectedP = new double[N];
            double[] expectedBuf = new double[N];
            for (int i = 0; i < N; i++) {
                double gi = g[i] + wd * p[i];
                expectedBuf[i] = mom * buf[i] + gi;
                expectedP[i] = p[i] - lr * (gi + mom * expectedBuf[i]);
            }
            Numerics.assertClose("param", expectedP, t[0].toFloatArray(), 1e-6, 1e-7);
            Numerics.assertClose("momentum buffer", expectedBuf, t[2].toFloatArray(), 1e-6, 1e-7);
            Numerics.assertClose("grad untouched", g, t[1].toFloatArray(), 0);
        }
    }

    @Test
    void adamAndAdamWStepsMatchTheReference() {
        double[] p = Numerics.uniform(4, N, -1, 1);
        double[] g = Numerics.uniform(5, N, -1, 1);
        double[] m = Numerics.uniform(6, N, -0.1, 0.1);
        double[] v = Numerics.uniform(7, N, 0, 0.01);
        double lr = 0.01;
        double b1 = 0.8;
        double b2 = 0.99;
        double eps = 1e-3;
        double wd = 0.1;
        int step = 3;
        for (boolean decoupled : new boolean[] {false, true}) {
            try (Tensor storage = cpu.allocate(4 * (N + 3) + 2)) {
                Tensor[] t = quad(storage, p, g, m, v);
                cpu.adamStep(t[0], t[1], t[2], t[3], (float) lr, (float) b1, (float) b2, (float) eps, (float) wd,
                        decoupled, step);
                double[] eP = new double[N];
                double[] eM = new double[N];
                double[] eV = new double[N];
                double bc1 = 1 - Math.pow(b1, step);
                double bc2 = 1 - Math.pow(b2, step);
                for (int i = 0; i < N; i++) {
                    double pi = decoupled ? p[i] * (1 - lr * wd) : p[i];
                    double gi = decoupled ? g[i] : g[i] + wd * p[i];
                    eM[i] = b1 * m[i] + (1 - b1) * gi;
                    eV[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    eP[i] = pi - lr / bc1 * eM[i] / (Math.sqrt(eV[i]) / Math.sqrt(bc2) + eps);
                }
                String what = decoupled ? "AdamW " : "Adam ";
                Numerics.assertClose(what + "param", eP, t[0].toFloatArray(), 1e-6, 1e-7);
                Numerics.assertClose(what + "exp_avg", eM, t[2].toFloatArray(), 1e-6, 1e-8);
                Numerics.assertClose(what + "exp_avg_sq", eV, t[3].toFloatArray(), 1e-6, 1e-9);
            }
        }
    }

    @Test
    void clipGradNormScalesOnlyAboveTheMaximum() {
        double[] g = Numerics.uniform(8, N, -1, 1);
        double norm = Math.sqrt(Numerics.dot(g, g));
        for (double maxNorm : new double[] {norm / 3, norm * 1.01}) {
            try (Tensor storage = cpu.allocate(N + 5)) {
                Tensor grad = quad(storage, g)[0];
                Tensor out = storage.slice(N + 3, N + 4);
                cpu.clipGradNorm(grad, (float) maxNorm, out);
                Numerics.assertClose("norm", new double[] {norm}, out.toFloatArray(), 1e-6);
                double coef = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
                double[] expected = g.clone();
                for (int i = 0; i < N; i++) {
                    expected[i] *= coef;
                }
                Numerics.assertClose("clipped to " + maxNorm, expected, grad.toFloatArray(), 1e-6);
            }
        }
    }

    @Test
    void stepsAndNormsDoNotDependOnTheThreadCount() {
        float[] p = Numerics.toFloat(Numerics.uniform(9, N, -1, 1));
        float[] g = Numerics.toFloat(Numerics.uniform(10, N, -3, 3));
        float[][] first = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend b = new CpuBackend(threads); Tensor param = b.fromHost(p, Shape.of(N));
                 Tensor grad = b.fromHost(g, Shape.of(N)); Tensor buf = b.zeros(Shape.of(N));
                 Tensor m = b.zeros(Shape.of(N)); Tensor v = b.zeros(Shape.of(N)); Tensor norm = b.allocate(1)) {
                b.clipGradNorm(grad, 1f, norm);
                b.sgdStep(param, grad, buf, 0.1f, 0.9f, 0.1f, 0.01f, false, true);
                b.adamStep(param, grad, m, v, 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 1);
                float[][] got = {norm.toFloatArray(), grad.toFloatArray(), param.toFloatArray(), m.toFloatArray()};
                if (first == null) {
                    first = got;
                } else {
                    for (int k = 0; k < got.length; k++) {
                        assertArrayEquals(first[k], got[k], "result " + k + " with " + threads + " threads");
                    }
                }
            }
        }
    }
}
