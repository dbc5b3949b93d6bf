package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import dev.engram.backend.ConvGeometry;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend against the CPU backend on the same random inputs (relative error
 * ||gpu - cpu|| / ||cpu||). Skips, saying why, where CUDA cannot be used.
 */
class CudaParityTest extends GpuTest {
    private static final double FP32 = 1e-5;
    private static final double TF32 = 5e-3;
    private static final Backend cpu = TestBackends.cpu();

    @Test
    void memoryOpsRoundTripAndFill() {
        long before = gpu.liveBytes();
        float[] v = Numerics.toFloat(Numerics.uniform(1, 3 * 5 * 7, -1, 1));
        try (Tensor t = gpu.fromHost(v, Shape.of(3, 5, 7)); Tensor u = gpu.allocate(3, 5, 7)) {
            gpu.copy(t, u);
            float[] back = u.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], back[i], 0f);
            }
            gpu.fill(u, -2.5f);
            gpu.synchronize();
            float[] host = new float[v.length + 2];
            gpu.copyToHost(u, host, 2);
            for (int i = 0; i < v.length; i++) {
                assertEquals(-2.5f, host[i + 2], 0f);
            }
            assertEquals(0f, host[1], 0f);
            assertEquals("cuda:0", gpu.name());
        }
        assertEquals(before, gpu.liveBytes());
    }

    @Test
    void copyRowsTakesEveryOtherRowAndPutsItBack() {
        // A VAE's means out of its stats [5, 2 * 3] viewed as [10, 3], and a gradient back in.
        try (Pair stats = Pair.random(gpu, 5, Shape.of(10, 3)); Pair mu = Pair.random(gpu, 6, Shape.of(5, 3));
             Pair grad = Pair.random(gpu, 7, Shape.of(10, 3))) {
            for (Backend b : new Backend[] {cpu, gpu}) {
                boolean onGpu = b == gpu;
                b.copyRows(pick(stats, onGpu), 2, pick(mu, onGpu), 1);
                b.copyRows(pick(mu, onGpu), 1, pick(grad, onGpu), 2);
            }
            mu.assertSameBits("copyRows out of stats");
            grad.assertSameBits("copyRows back into every other row");
        }
    }

    @Test
    void gemmMatchesTheCpuForEveryTransposeAndABatch() {
        int m = 13;
        int n = 7;
        int k = 9;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                try (Pair a = Pair.random(gpu, 2, ta ? Shape.of(k, m) : Shape.of(m, k));
                     Pair b = Pair.random(gpu, 3, tb ? Shape.of(n, k) : Shape.of(k, n));
                     Pair c = Pair.random(gpu, 4, Shape.of(m, n))) {
                    cpu.gemm(ta, tb, m, n, k, 0.5f, a.cpu(), b.cpu(), 2f, c.cpu());
                    gpu.gemm(ta, tb, m, n, k, 0.5f, a.gpu(), b.gpu(), 2f, c.gpu());
                    c.assertClose("gemm transA=" + ta + " transB=" + tb, FP32);
                }
            }
        }
        int batch = 3;
        try (Pair a = Pair.random(gpu, 5, Shape.of(batch, m, k)); Pair b = Pair.random(gpu, 6, Shape.of(batch, k, n));
             Pair c = Pair.random(gpu, 7, Shape.of(batch, m, n))) {
            cpu.gemmStridedBatched(false, true, m, n, k, 1f, a.cpu(), (long) m * k, b.cpu(), (long) k * n, 0f, c.cpu(),
                    (long) m * n, batch);
            gpu.gemmStridedBatched(false, true, m, n, k, 1f, a.gpu(), (long) m * k, b.gpu(), (long) k * n, 0f, c.gpu(),
                    (long) m * n, batch);
            c.assertClose("gemmStridedBatched", FP32);
        }
    }

    @Test
    void convolutionForwardBackwardAndBiasMatchTheCpu() {
        ConvGeometry g = ConvGeometry.of(Shape.of(3, 4, 7, 5), 6, 3, 2, 1, 1);
        try (Pair x = Pair.random(gpu, 8, g.inputShape()); Pair w = Pair.random(gpu, 9, g.weightShape());
             Pair y = Pair.random(gpu, 10, g.outputShape()); Pair dy = Pair.random(gpu, 11, g.outputShape());
             Pair dx = Pair.random(gpu, 12, g.inputShape()); Pair dw = Pair.random(gpu, 13, g.weightShape());
             Pair bias = Pair.random(gpu, 14, Shape.of(6)); Pair dbias = Pair.random(gpu, 15, Shape.of(6))) {
            for (Backend b : new Backend[] {cpu, gpu}) {
                boolean onGpu = b == gpu;
                b.conv2dForward(g, pick(x, onGpu), pick(w, onGpu), pick(y, onGpu));
                b.biasAdd(pick(y, onGpu), pick(bias, onGpu));
                b.conv2dBackwardData(g, pick(dy, onGpu), pick(w, onGpu), pick(dx, onGpu));
                b.conv2dBackwardFilter(g, pick(x, onGpu), pick(dy, onGpu), pick(dw, onGpu));
                b.biasBackward(pick(dy, onGpu), pick(dbias, onGpu));
            }
            y.assertClose("conv2dForward + biasAdd", FP32);
            dx.assertClose("conv2dBackwardData", FP32);
            dw.assertClose("conv2dBackwardFilter (accumulated)", FP32);
            dbias.assertClose("biasBackward (accumulated)", FP32);
        }
    }

    @Test
    void tf32ConvolutionsAndGemmsStayNearTheCpu() {
        ConvGeometry g = ConvGeometry.of(Shape.of(2, 8, 9, 9), 16, 3, 1, 1, 1);
        try (CudaBackend tf32 = CudaBackend.open(0, true); Pair x = Pair.random(tf32, 16, g.inputShape());
             Pair w = Pair.random(tf32, 17, g.weightShape()); Pair y = Pair.random(tf32, 18, g.outputShape())) {
            cpu.conv2dForward(g, x.cpu(), w.cpu(), y.cpu());
            tf32.conv2dForward(g, x.gpu(), w.gpu(), y.gpu());
            y.assertClose("conv2dForward with TF32", TF32);
        }
    }

    @Test
    void batchNormMatchesTheCpu() {
        Shape s = Shape.of(5, 3, 4, 7);
        Shape c = Shape.of(3);
        try (Pair x = Pair.random(gpu, 20, s); Pair gamma = Pair.random(gpu, 21, c); Pair beta = Pair.random(gpu, 22, c);
             Pair rm = Pair.random(gpu, 23, c); Pair rv = Pair.of(gpu, new float[] {1f, 0.5f, 2f}, c);
             Pair y = Pair.random(gpu, 24, s); Pair mean = Pair.random(gpu, 25, c); Pair inv = Pair.random(gpu, 26, c);
             Pair dy = Pair.random(gpu, 27, s); Pair dx = Pair.random(gpu, 28, s); Pair dg = Pair.random(gpu, 29, c);
             Pair db = Pair.random(gpu, 30, c); Pair yi = Pair.random(gpu, 31, s)) {
            for (Backend b : new Backend[] {cpu, gpu}) {
                boolean g = b == gpu;
                b.batchNormForwardTraining(pick(x, g), pick(gamma, g), pick(beta, g), 1e-5f, 0.1f, pick(rm, g),
                        pick(rv, g), pick(y, g), pick(mean, g), pick(inv, g));
                b.batchNormBackward(pick(x, g), pick(dy, g), pick(gamma, g), pick(mean, g), pick(inv, g), pick(dx, g),
                        pick(dg, g), pick(db, g));
                b.batchNormForwardInference(pick(x, g), pick(gamma, g), pick(beta, g), pick(rm, g), pick(rv, g), 1e-5f,
                        pick(yi, g));
            }
            y.assertClose("batchNormForwardTraining y", FP32);
            mean.assertClose("saveMean", FP32);
            inv.assertClose("saveInvStd", FP32);
            rm.assertClose("running mean", FP32);
            rv.assertClose("running variance (unbiased)", FP32);
            dx.assertClose("batchNormBackward dx", 1e-4);
            dg.assertClose("dgamma (accumulated)", FP32);
            db.assertClose("dbeta (accumulated)", FP32);
            yi.assertClose("batchNormForwardInference", FP32);
        }
    }

    @Test
    void repeatedStepsTakeNoNewMemoryFromTheDriver() {
        ConvGeometry g = ConvGeometry.of(Shape.of(4, 3, 16, 16), 8, 3, 1, 1, 1);
        Runnable step = () -> {
            try (Tensor x = gpu.zeros(g.inputShape()); Tensor w = gpu.zeros(g.weightShape());
                 Tensor y = gpu.allocate(g.outputShape())) {
                gpu.conv2dForward(g, x, w, y);
            }
        };
        step.run();
        long after = gpu.driverAllocations();
        for (int i = 0; i < 5; i++) {
            step.run();
        }
        assertEquals(after, gpu.driverAllocations());
    }

    @Test
    void outOfMemorySaysWhatWasAskedAndSuggestsASmallerBatch() {
        long live = gpu.liveBytes();
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> gpu.allocate(Shape.of(1 << 30, 1 << 10)));
        assertTrue(e.getMessage().contains("asked for") && e.getMessage().contains("smaller --batch"), e.getMessage());
        assertEquals(live, gpu.liveBytes());
    }

    private static Tensor pick(Pair p, boolean gpuSide) {
        return gpuSide ? p.gpu() : p.cpu();
    }
}
