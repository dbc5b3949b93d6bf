package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static dev.engram.backend.cuda.HostChecker.floats;
import static dev.engram.backend.cuda.HostChecker.hex;
import static dev.engram.backend.cuda.HostChecker.hexLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kernels' per-element math (activations.cuh, losses.cuh, pooling.cuh), run on the host by
 * kernels/host/kernel_check.cu, against the CPU backend: formulas, thresholds and the gather
 * index math of the pooling and upsampling backward passes, without a GPU. Where the kernels do
 * plain float arithmetic the results must be the CPU backend's bits; where they call float libm
 * functions (the host's here, CUDA's on a GPU) they must agree to float tolerance. Skips where
 * nvcc is absent.
 */
class KernelMathHostCheckTest {
    private static final Backend CPU = TestBackends.cpu();

    @TempDir
    static Path temp;
    private static HostChecker checker;

    @BeforeAll
    static void compileTheChecker() throws Exception {
        checker = HostChecker.compile("kernel_check.cu", temp);
    }

    @Test
    void activationsMatchTheCpuBackend() throws Exception {
        // Around zero, across the Softplus threshold (beta x = 20 at x = 10 for beta 2) and far out.
        float[] edges = {0f, 1e-30f, -1e-30f, 9.99f, 10f, 10.01f, 12f, -12f, 30f, -30f, 89f, -89f};
        float[] x = concat(Numerics.toFloat(Numerics.uniform(5, 301, -6, 6)), edges);
        float[] dy = Numerics.toFloat(Numerics.uniform(6, x.length, -2, 2));
        for (Activation act : List.of(Activation.relu(), Activation.leakyRelu(0.1f), Activation.sigmoid(),
                Activation.tanh(), Activation.elu(1.3f), Activation.gelu(), Activation.softplus(2f),
                Activation.softplus(0.7f))) {
            float[] y;
            float[] dx;
            try (Tensor tx = CPU.fromHost(x, Shape.of(x.length)); Tensor ty = CPU.allocate(Shape.of(x.length));
                 Tensor tdy = CPU.fromHost(dy, Shape.of(x.length)); Tensor tdx = CPU.allocate(Shape.of(x.length))) {
                CPU.activationForward(act, tx, ty);
                CPU.activationBackward(act, tx, ty, tdy, tdx);
                y = ty.toFloatArray();
                dx = tdx.toFloatArray();
            }
            List<String> out = checker.run("act " + lower(act.kind()) + " " + hex(act.alpha()) + " " + x.length + "\n"
                    + hexLine(x) + hexLine(dy));
            String what = act.kind() + "(" + act.alpha() + ")";
            boolean exact = act.kind() == Activation.Kind.RELU || act.kind() == Activation.Kind.LEAKY_RELU;
            assertAgree(what + " forward", y, floats(out.get(0)), exact);
            assertAgree(what + " backward", dx, floats(out.get(1)), exact);
        }
    }

    @Test
    void lossesMatchTheCpuBackend() throws Exception {
        int n = 257;
        float[] target = Numerics.toFloat(Numerics.uniform(7, n, 0, 1));
        for (LossKind kind : LossKind.values()) {
            float[] pred = switch (kind) {
                case MSE, L1 -> Numerics.toFloat(Numerics.uniform(8, n, -2, 2));
                case BCE -> Numerics.toFloat(Numerics.uniform(8, n, 0.01, 0.99));
                case BCE_WITH_LOGITS -> Numerics.toFloat(Numerics.uniform(8, n, -30, 30));
            };
            if (kind == LossKind.BCE) { // certain and wrong: the logs clamp at -100, the gradient's floor 1e-12
                pred[0] = 0f;
                target[0] = 1f;
                pred[1] = 1f;
                target[1] = 0f;
            }
            float scale = 0.37f;
            float sum;
            float[] grad;
            try (Tensor p = CPU.fromHost(pred, Shape.of(n)); Tensor t = CPU.fromHost(target, Shape.of(n));
                 Tensor out = CPU.allocate(Shape.of(1)); Tensor d = CPU.allocate(Shape.of(n))) {
                CPU.lossForward(kind, p, t, 1f, out);
                CPU.lossBackward(kind, p, t, scale, d);
                sum = CPU.readScalar(out);
                grad = d.toFloatArray();
            }
            List<String> out = checker.run("loss " + lower(kind) + " " + hex(scale) + " " + n + "\n"
                    + hexLine(pred) + hexLine(target));
            Numerics.assertClose(kind + " sum", new double[] {Double.parseDouble(out.get(0))}, new float[] {sum}, 1e-6);
            assertAgree(kind + " gradient", grad, floats(out.get(1)), kind == LossKind.MSE || kind == LossKind.L1);
        }
    }

    @Test
    void poolingForwardAndGatheredBackwardEqualTheCpuBackend() throws Exception {
        List<PoolGeometry> geometries = List.of(
                new PoolGeometry(2, 3, 5, 7, 3, 3, 2, 2, 1, 1),  // the odd-size case: stride 2, padding 1
                new PoolGeometry(1, 2, 6, 5, 2, 2, 1, 1, 0, 0),  // overlapping windows
                new PoolGeometry(1, 1, 7, 7, 3, 3, 3, 3, 1, 1),  // disjoint windows
                new PoolGeometry(2, 1, 5, 7, 3, 2, 1, 2, 1, 1)); // rectangular, mixed strides
        for (PoolGeometry g : geometries) {
            // Values on a coarse grid, so windows hold ties and the first maximum must win.
            float[] x = Numerics.toFloat(Numerics.uniform(9, (int) g.inputShape().numel(), -2, 2));
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.round(x[i] * 2) / 2f;
            }
            float[] dy = Numerics.toFloat(Numerics.uniform(10, (int) g.outputShape().numel(), -1, 1));
            String geometry = " " + g.n() * g.c() + " " + g.h() + " " + g.w() + " " + g.outH() + " " + g.outW() + " "
                    + g.kernelH() + " " + g.kernelW() + " " + g.strideH() + " " + g.strideW() + " " + g.padH() + " "
                    + g.padW() + "\n";
            try (Tensor tx = CPU.fromHost(x, g.inputShape()); Tensor ty = CPU.allocate(g.outputShape());
                 Tensor tdy = CPU.fromHost(dy, g.outputShape()); Tensor tdx = CPU.allocate(g.inputShape())) {
                CPU.maxPool2dForward(g, tx, ty);
                CPU.maxPool2dBackward(g, tx, ty, tdy, tdx);
                List<String> out = checker.run("pool max" + geometry + hexLine(x) + hexLine(dy));
                assertArrayEquals(ty.toFloatArray(), floats(out.get(0)), "max pool forward " + g);
                assertArrayEquals(tdx.toFloatArray(), floats(out.get(1)), "max pool backward " + g);

                CPU.avgPool2dForward(g, tx, ty);
                CPU.avgPool2dBackward(g, tdy, tdx);
                out = checker.run("pool avg" + geometry + hexLine(x) + hexLine(dy));
                assertArrayEquals(ty.toFloatArray(), floats(out.get(0)), "avg pool forward " + g);
                assertArrayEquals(tdx.toFloatArray(), floats(out.get(1)), "avg pool backward " + g);
            }
        }
    }

    @Test
    void upsamplingMatchesTheCpuBackend() throws Exception {
        int[][] sizes = {{5, 7, 10, 14}, {5, 7, 12, 9}, {5, 7, 3, 4}, {1, 1, 3, 2}, {4, 4, 4, 4}};
        for (int[] s : sizes) {
            Shape in = Shape.of(2, 3, s[0], s[1]);
            Shape out = Shape.of(2, 3, s[2], s[3]);
            float[] x = Numerics.toFloat(Numerics.uniform(11, (int) in.numel(), -1, 1));
            float[] dy = Numerics.toFloat(Numerics.uniform(12, (int) out.numel(), -1, 1));
            for (UpsampleMode mode : UpsampleMode.values()) {
                try (Tensor tx = CPU.fromHost(x, in); Tensor ty = CPU.allocate(out);
                     Tensor tdy = CPU.fromHost(dy, out); Tensor tdx = CPU.allocate(in)) {
                    CPU.upsample2dForward(mode, tx, ty);
                    CPU.upsample2dBackward(mode, tdy, tdx);
                    List<String> res = checker.run("resize " + lower(mode) + " 6 " + s[0] + " " + s[1] + " " + s[2]
                            + " " + s[3] + "\n" + hexLine(x) + hexLine(dy));
                    String what = mode + " " + in + " -> " + out;
                    assertArrayEquals(ty.toFloatArray(), floats(res.get(0)), what + " forward");
                    // Bilinear backward sums per cell in another order than the CPU's scatter.
                    assertAgree(what + " backward", tdx.toFloatArray(), floats(res.get(1)),
                            mode == UpsampleMode.NEAREST);
                }
            }
        }
    }

    @Test
    void sgdStepsEqualTheCpuBackendBitForBit() throws Exception {
        int n = 203;
        // lr, momentum, dampening, weight decay, nesterov, first step
        Object[][] configs = {{0.1f, 0f, 0f, 0f, false, false}, {0.05f, 0.9f, 0f, 1e-2f, false, true},
            {0.05f, 0.9f, 0.1f, 0f, false, false}, {0.05f, 0.9f, 0f, 1e-3f, true, false}};
        for (Object[] c : configs) {
            float lr = (float) c[0];
            float momentum = (float) c[1];
            float dampening = (float) c[2];
            float wd = (float) c[3];
            boolean nesterov = (boolean) c[4];
            boolean first = (boolean) c[5];
            float[] p = Numerics.toFloat(Numerics.uniform(20, n, -1, 1));
            float[] g = Numerics.toFloat(Numerics.uniform(21, n, -1, 1));
            float[] buf = Numerics.toFloat(Numerics.uniform(22, n, -1, 1));
            List<String> out = checker.run("step sgd " + n + " " + hex(lr) + " " + hex(momentum) + " " + hex(dampening)
                    + " " + hex(wd) + " " + (nesterov ? 1 : 0) + " " + (first ? 1 : 0) + "\n"
                    + hexLine(p) + hexLine(g) + hexLine(buf));
            try (Tensor tp = CPU.fromHost(p, Shape.of(n)); Tensor tg = CPU.fromHost(g, Shape.of(n));
                 Tensor tb = CPU.fromHost(buf, Shape.of(n))) {
                CPU.sgdStep(tp, tg, momentum != 0f ? tb : null, lr, momentum, dampening, wd, nesterov, first);
                String what = "SGD " + java.util.Arrays.toString(c);
                assertArrayEquals(tp.toFloatArray(), floats(out.get(0)), what + ": param");
                assertArrayEquals(tb.toFloatArray(), floats(out.get(1)), what + ": momentum buffer");
            }
        }
    }

    @Test
    void adamStepsEqualTheCpuBackendBitForBit() throws Exception {
        int n = 203;
        float lr = 1e-3f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float eps = 1e-8f;
        // weight decay, decoupled (AdamW), step
        Object[][] configs = {{0f, false, 1}, {1e-2f, false, 7}, {1e-2f, true, 3}};
        for (Object[] c : configs) {
            float wd = (float) c[0];
            boolean adamW = (boolean) c[1];
            int step = (int) c[2];
            float[] p = Numerics.toFloat(Numerics.uniform(30, n, -1, 1));
            float[] g = Numerics.toFloat(Numerics.uniform(31, n, -1, 1));
            float[] m = Numerics.toFloat(Numerics.uniform(32, n, -0.1, 0.1));
            float[] v = Numerics.toFloat(Numerics.uniform(33, n, 0, 0.01));
            // The host's share of the step, as KernelCatalog documents for engram_adam_step_f32.
            float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
            float decay = (float) (1.0 - (double) lr * wd);
            float l2 = adamW ? 0f : wd;
            int decoupled = adamW && wd != 0f ? 1 : 0;
            List<String> out = checker.run("step adam " + n + " " + hex(beta1) + " " + hex(beta2) + " " + hex(eps) + " "
                    + hex(stepSize) + " " + hex(bc2Sqrt) + " " + hex(decay) + " " + hex(l2) + " " + decoupled + "\n"
                    + hexLine(p) + hexLine(g) + hexLine(m) + hexLine(v));
            try (Tensor tp = CPU.fromHost(p, Shape.of(n)); Tensor tg = CPU.fromHost(g, Shape.of(n));
                 Tensor tm = CPU.fromHost(m, Shape.of(n)); Tensor tv = CPU.fromHost(v, Shape.of(n))) {
                CPU.adamStep(tp, tg, tm, tv, lr, beta1, beta2, eps, wd, adamW, step);
                String what = (adamW ? "AdamW " : "Adam ") + java.util.Arrays.toString(c);
                assertArrayEquals(tp.toFloatArray(), floats(out.get(0)), what + ": param");
                assertArrayEquals(tm.toFloatArray(), floats(out.get(1)), what + ": m");
                assertArrayEquals(tv.toFloatArray(), floats(out.get(2)), what + ": v");
            }
        }
    }

    @Test
    void gaussianKlAndReparameterisationMatchTheCpuBackend() throws Exception {
        int n = 3;
        int latent = 5;
        float scale = 0.25f;
        float[] stats = Numerics.toFloat(Numerics.uniform(40, n * 2 * latent, -1.5, 1.5));
        float[] eps = Numerics.toFloat(Numerics.uniform(41, n * latent, -2, 2));
        float[] dz = Numerics.toFloat(Numerics.uniform(42, n * latent, -1, 1));
        List<String> out = checker.run("vae " + hex(scale) + " " + n + " " + latent + "\n"
                + hexLine(stats) + hexLine(eps) + hexLine(dz));
        Shape statsShape = Shape.of(n, 2 * latent);
        Shape zShape = Shape.of(n, latent);
        try (Tensor ts = CPU.fromHost(stats, statsShape); Tensor te = CPU.fromHost(eps, zShape);
             Tensor tdz = CPU.fromHost(dz, zShape); Tensor kl = CPU.allocate(Shape.of(1));
             Tensor dkl = CPU.zeros(statsShape); Tensor z = CPU.allocate(zShape); Tensor dre = CPU.allocate(statsShape)) {
            CPU.gaussianKlForward(ts, 1f, kl);
            CPU.gaussianKlBackward(ts, scale, dkl);
            CPU.reparameterizeForward(ts, te, z);
            CPU.reparameterizeBackward(ts, te, tdz, dre);
            Numerics.assertClose("KL sum", new double[] {Double.parseDouble(out.get(0))},
                    new float[] {CPU.readScalar(kl)}, 1e-6);
            assertAgree("KL backward", dkl.toFloatArray(), floats(out.get(1)), false);
            assertAgree("reparameterize forward", z.toFloatArray(), floats(out.get(2)), false);
            assertAgree("reparameterize backward", dre.toFloatArray(), floats(out.get(3)), false);
        }
    }

    @Test
    void klSparsityMatchesTheCpuBackend() throws Exception {
        int rows = 5;
        int units = 37;
        float rho = 0.05f;
        float scale = 0.3f;
        float[] code = Numerics.toFloat(Numerics.uniform(50, rows * units, 0.001, 0.999));
        for (int r = 0; r < rows; r++) { // saturated units: the batch means clamp at 1e-6 and 1 - 1e-6
            code[r * units] = 0f;
            code[r * units + 1] = 1f;
        }
        float[] dcode = Numerics.toFloat(Numerics.uniform(51, rows * units, -1, 1));
        List<String> out = checker.run("sparsity " + hex(rho) + " " + hex(scale) + " " + rows + " " + units + "\n"
                + hexLine(code) + hexLine(dcode));
        Shape s = Shape.of(rows, units);
        try (Tensor tc = CPU.fromHost(code, s); Tensor td = CPU.fromHost(dcode, s); Tensor penalty = CPU.allocate(1)) {
            CPU.klSparsityForward(tc, rho, 1f, penalty);
            CPU.klSparsityBackward(tc, rho, scale, td);
            Numerics.assertClose("KL sparsity sum", new double[] {Double.parseDouble(out.get(0))},
                    new float[] {CPU.readScalar(penalty)}, 1e-6);
            // Means in the same order in double and the gradient without a log: the same bits.
            assertArrayEquals(td.toFloatArray(), floats(out.get(1)), "KL sparsity backward (accumulated)");
        }
    }

    /** Bit-equal where {@code exact}, else within float32 tolerance (rtol 1e-5, atol 1e-6). */
    private static void assertAgree(String what, float[] cpu, float[] host, boolean exact) {
        assertEquals(cpu.length, host.length, what + ": count");
        if (exact) {
            assertArrayEquals(cpu, host, what);
        } else {
            Numerics.assertClose(what, Numerics.toDouble(cpu), host, 1e-5, 1e-6);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
