package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
import dev.engram.backend.PoolGeometry;
import dev.engram.backend.UpsampleMode;
import dev.engram.tensor.Shape;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op the engine's own kernels run (kernels/), on the GPU against the CPU backend, on fresh
 * random inputs of several shapes: one element, odd sizes (float4 tails), views starting at an
 * odd element (no float4 path), and a million elements (grid-stride loops, multi-block
 * reductions). Tolerances: bit for bit where kernels/README.md promises it (plain float
 * arithmetic with FMA contraction off, Philox, gathers in the CPU's order); else relative error
 * ||gpu - cpu|| / ||cpu|| within fp32 ({@link #FP32}: CUDA's float libm, other summation orders).
 * No TF32 is involved: none of these ops use tensor cores. Skips, saying why, without a GPU.
 */
class CudaKernelParityTest extends GpuTest {
    private static final double FP32 = 1e-5;
    /** Shapes for the elementwise ops: one element, odd sizes, and more elements than one grid covers at once. */
    private static final List<Shape> SHAPES = List.of(Shape.of(1), Shape.of(3, 5, 7), Shape.of(2, 3, 33, 65),
            Shape.of(1_000_003));
    private static final Backend cpu = TestBackends.cpu();

    /** Runs {@code op} on the CPU backend, then on the GPU. */
    private static void onBoth(Consumer<Backend> op) {
        op.accept(cpu);
        op.accept(gpu);
    }

    /** Each shape as a whole tensor, and as a view starting one element into a larger one. */
    private static void forEachLayout(long seed, Shape s, Consumer<List<Pair>> body) {
        int n = (int) s.numel();
        try (Pair a = Pair.random(gpu, seed, s); Pair b = Pair.random(gpu, seed + 1, s);
             Pair c = Pair.random(gpu, seed + 2, s)) {
            body.accept(List.of(a, b, c));
        }
        try (Pair a = Pair.random(gpu, seed, Shape.of(n + 1)); Pair b = Pair.random(gpu, seed + 1, Shape.of(n + 1));
             Pair c = Pair.random(gpu, seed + 2, Shape.of(n + 1))) {
            body.accept(List.of(a.slice(1, n + 1), b.slice(1, n + 1), c.slice(1, n + 1)));
        }
    }

    @Test
    void elementwiseOpsEqualTheCpuBitForBit() {
        long live = gpu.liveBytes();
        for (Shape s : SHAPES) {
            forEachLayout(1, s, t -> {
                Pair a = t.get(0);
                Pair b = t.get(1);
                Pair out = t.get(2);
                String at = " " + s + (a.cpu().offset() > 0 ? " at offset 1" : "");
                onBoth(k -> k.add(a.on(k), b.on(k), out.on(k)));
                out.assertSameBits("add" + at);
                onBoth(k -> k.mul(a.on(k), b.on(k), out.on(k)));
                out.assertSameBits("mul" + at);
                onBoth(k -> k.affine(a.on(k), 1.7f, -0.3f, out.on(k)));
                out.assertSameBits("affine" + at);
                onBoth(k -> k.clamp(a.on(k), -0.5f, 0.25f, out.on(k)));
                out.assertSameBits("clamp" + at);
                onBoth(k -> k.axpby(0.7f, a.on(k), -1.3f, out.on(k)));
                out.assertSameBits("axpby" + at);
                onBoth(k -> k.fill(out.on(k), Float.NaN));
                onBoth(k -> k.axpby(2f, a.on(k), 0f, out.on(k)));
                out.assertSameBits("axpby with beta 0 over NaN" + at);
                onBoth(k -> k.add(a.on(k), b.on(k), a.on(k)));
                a.assertSameBits("add in place" + at);
            });
        }
        assertEquals(live, gpu.liveBytes());
    }

    @Test
    void reductionsMatchTheCpuAndRepeatBitForBit() {
        for (Shape s : SHAPES) {
            try (Pair x = Pair.uniform(gpu, 2, s, -1, 3); Pair out = Pair.random(gpu, 3, Shape.of(1))) {
                onBoth(k -> k.sum(x.on(k), out.on(k)));
                out.assertClose("sum " + s, 1e-6);
                float first = gpu.readScalar(out.gpu());
                gpu.sum(x.gpu(), out.gpu());
                assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(gpu.readScalar(out.gpu())),
                        "sum " + s + " run twice");
                onBoth(k -> k.sumOfSquares(x.on(k), out.on(k)));
                out.assertClose("sumOfSquares " + s, 1e-6);
            }
        }
    }

    @Test
    void activationsMatchTheCpu() {
        List<Activation> acts = List.of(Activation.relu(), Activation.leakyRelu(0.1f), Activation.sigmoid(),
                Activation.tanh(), Activation.elu(1.3f), Activation.gelu(), Activation.softplus(2f),
                Activation.softplus(0.7f));
        for (Shape s : SHAPES.subList(0, 3)) {
            // Past Softplus's threshold (beta x > 20) and the saturation of the others.
            try (Pair x = Pair.uniform(gpu, 4, s, -12, 12); Pair y = Pair.random(gpu, 5, s);
                 Pair dy = Pair.random(gpu, 6, s); Pair dx = Pair.random(gpu, 7, s); Pair inPlace = Pair.random(gpu, 8, s)) {
                for (Activation act : acts) {
                    String what = act.kind() + "(" + act.alpha() + ") " + s;
                    boolean exact = act.kind() == Activation.Kind.RELU || act.kind() == Activation.Kind.LEAKY_RELU;
                    onBoth(k -> k.activationForward(act, x.on(k), y.on(k)));
                    onBoth(k -> k.activationBackward(act, x.on(k), y.on(k), dy.on(k), dx.on(k)));
                    onBoth(k -> k.copy(x.on(k), inPlace.on(k)));
                    onBoth(k -> k.activationForward(act, inPlace.on(k), inPlace.on(k)));
                    if (exact) {
                        y.assertSameBits(what + " forward");
                        dx.assertSameBits(what + " backward");
                        inPlace.assertSameBits(what + " forward in place");
                    } else {
                        y.assertClose(what + " forward", FP32);
                        dx.assertClose(what + " backward", FP32);
                        inPlace.assertClose(what + " forward in place", FP32);
                    }
                }
            }
        }
    }

    @Test
    void biasAddAndBackwardMatchTheCpuForFeaturesAndChannels() {
        for (Shape s : List.of(Shape.of(5, 7), Shape.of(3, 4, 9), Shape.of(3, 6, 5, 7))) {
            Shape c = Shape.of(s.dim(1));
            try (Pair y = Pair.random(gpu, 9, s); Pair bias = Pair.random(gpu, 10, c); Pair dbias = Pair.random(gpu, 11, c)) {
                onBoth(k -> k.biasAdd(y.on(k), bias.on(k)));
                onBoth(k -> k.biasBackward(y.on(k), dbias.on(k)));
                y.assertClose("biasAdd " + s, FP32);
                dbias.assertClose("biasBackward (accumulated) " + s, FP32);
            }
        }
    }

    @Test
    void layerNormMatchesTheCpu() {
        // x shape, row length d (gamma's size): d above the block size, and rows that span dimensions
        Object[][] cases = {{Shape.of(3, 5, 7), 7}, {Shape.of(4, 300), 300}, {Shape.of(2, 3, 33), 99}, {Shape.of(1, 1), 1}};
        for (Object[] c : cases) {
            Shape s = (Shape) c[0];
            Shape d = Shape.of((int) c[1]);
            Shape rows = Shape.of((int) (s.numel() / d.numel()));
            try (Pair x = Pair.uniform(gpu, 12, s, -2, 3); Pair gamma = Pair.random(gpu, 13, d);
                 Pair beta = Pair.random(gpu, 14, d); Pair y = Pair.random(gpu, 15, s); Pair mean = Pair.random(gpu, 16, rows);
                 Pair inv = Pair.random(gpu, 17, rows); Pair dy = Pair.random(gpu, 18, s); Pair dx = Pair.random(gpu, 19, s);
                 Pair dgamma = Pair.random(gpu, 20, d); Pair dbeta = Pair.random(gpu, 21, d)) {
                onBoth(k -> k.layerNormForward(x.on(k), gamma.on(k), beta.on(k), 1e-5f, y.on(k), mean.on(k), inv.on(k)));
                onBoth(k -> k.layerNormBackward(x.on(k), dy.on(k), gamma.on(k), mean.on(k), inv.on(k), dx.on(k),
                        dgamma.on(k), dbeta.on(k)));
                String what = "layerNorm " + s + " over " + d;
                y.assertClose(what + " y", FP32);
                mean.assertClose(what + " saveMean", FP32);
                inv.assertClose(what + " saveInvStd", FP32);
                dx.assertClose(what + " dx", 1e-4);
                dgamma.assertClose(what + " dgamma (accumulated)", FP32);
                dbeta.assertClose(what + " dbeta (accumulated)", FP32);
            }
        }
    }

    @Test
    void poolingEqualsTheCpuBitForBit() {
        List<PoolGeometry> geometries = List.of(
                new PoolGeometry(3, 3, 5, 7, 3, 3, 2, 2, 1, 1),  // stride 2, padding 1, odd sizes
                new PoolGeometry(2, 2, 6, 5, 2, 2, 1, 1, 0, 0),  // overlapping windows
                new PoolGeometry(1, 1, 7, 7, 3, 3, 3, 3, 1, 1),  // disjoint windows
                new PoolGeometry(2, 1, 5, 7, 3, 2, 1, 2, 1, 1),  // rectangular, mixed strides
                new PoolGeometry(8, 16, 32, 32, 2, 2, 2, 2, 0, 0)); // many planes
        for (PoolGeometry g : geometries) {
            try (Pair x = Pair.random(gpu, 22, g.inputShape()); Pair y = Pair.random(gpu, 23, g.outputShape());
                 Pair dy = Pair.random(gpu, 24, g.outputShape()); Pair dx = Pair.random(gpu, 25, g.inputShape())) {
                roundToHalves(x);
                onBoth(k -> k.maxPool2dForward(g, x.on(k), y.on(k)));
                y.assertSameBits("maxPool2dForward " + g);
                onBoth(k -> k.maxPool2dBackward(g, x.on(k), y.on(k), dy.on(k), dx.on(k)));
                dx.assertSameBits("maxPool2dBackward " + g);
                onBoth(k -> k.avgPool2dForward(g, x.on(k), y.on(k)));
                y.assertSameBits("avgPool2dForward " + g);
                onBoth(k -> k.avgPool2dBackward(g, dy.on(k), dx.on(k)));
                dx.assertSameBits("avgPool2dBackward " + g);
            }
        }
    }

    /** Values on a coarse grid, so that windows hold ties and the first maximum must win. */
    private static void roundToHalves(Pair x) {
        float[] v = x.cpu().toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(v[i] * 2) / 2f;
        }
        cpu.copyFromHost(v, 0, x.cpu());
        gpu.copyFromHost(v, 0, x.gpu());
    }

    @Test
    void upsamplingMatchesTheCpu() {
        int[][] sizes = {{5, 7, 10, 14}, {5, 7, 12, 9}, {5, 7, 3, 4}, {1, 1, 3, 2}, {4, 4, 4, 4}, {16, 16, 32, 32}};
        for (int[] sz : sizes) {
            Shape in = Shape.of(3, 5, sz[0], sz[1]);
            Shape out = Shape.of(3, 5, sz[2], sz[3]);
            try (Pair x = Pair.random(gpu, 26, in); Pair y = Pair.random(gpu, 27, out); Pair dy = Pair.random(gpu, 28, out);
                 Pair dx = Pair.random(gpu, 29, in)) {
                for (UpsampleMode mode : UpsampleMode.values()) {
                    String what = mode + " " + in + " -> " + out;
                    onBoth(k -> k.upsample2dForward(mode, x.on(k), y.on(k)));
                    onBoth(k -> k.upsample2dBackward(mode, dy.on(k), dx.on(k)));
                    y.assertSameBits(what + " forward");
                    if (mode == UpsampleMode.NEAREST) {
                        dx.assertSameBits(what + " backward");
                    } else { // summed per cell in another order than the CPU's
                        dx.assertClose(what + " backward", FP32);
                    }
                }
            }
        }
    }

    @Test
    void randomFillsDropoutAndNoiseFollowTheCpuStream() {
        long[][] seedsAndOffsets = {{0, 0}, {42, 5}, {-1, 0xFFFFFFFEL}, {0x299f31d0a4093822L, -3}};
        for (Shape s : List.of(Shape.of(1), Shape.of(3, 5, 7), Shape.of(1_000_003))) {
            for (long[] so : seedsAndOffsets) {
                long seed = so[0];
                long offset = so[1];
                String at = " " + s + " seed " + seed + " offset " + offset;
                try (Pair t = Pair.random(gpu, 30, s); Pair x = Pair.random(gpu, 31, s)) {
                    onBoth(k -> k.randomUniform(t.on(k), seed, offset, -1.5f, 2.25f));
                    t.assertSameBits("randomUniform" + at);
                    onBoth(k -> k.dropoutForward(x.on(k), t.on(k), 0.3f, seed, offset));
                    t.assertSameBits("dropoutForward" + at);
                    onBoth(k -> k.dropoutBackward(x.on(k), t.on(k), 0.9f, seed, offset));
                    t.assertSameBits("dropoutBackward" + at);
                    for (float fraction : new float[] {0f, 0.2f, 1f}) {
                        onBoth(k -> k.saltAndPepper(x.on(k), t.on(k), fraction, seed, offset));
                        t.assertSameBits("saltAndPepper " + fraction + at);
                    }
                    onBoth(k -> k.randomNormal(t.on(k), seed, offset, 0.5f, 2f));
                    assertWithinOneUlp("randomNormal" + at, t);
                }
            }
        }
    }

    /** Box-Muller in double on both sides; CUDA's log/cos/sin may round 1 ulp off java.lang.Math's. */
    private static void assertWithinOneUlp(String what, Pair t) {
        float[] c = t.cpu().toFloatArray();
        float[] g = t.gpu().toFloatArray();
        int identical = 0;
        for (int i = 0; i < c.length; i++) {
            assertTrue(Math.abs(g[i] - c[i]) <= Math.ulp(c[i]), what + ": element " + i + " gpu " + g[i] + ", cpu " + c[i]);
            identical += g[i] == c[i] ? 1 : 0;
        }
        assertTrue(identical >= c.length * 99L / 100, what + ": only " + identical + " of " + c.length + " identical");
    }

    @Test
    void lossesMatchTheCpu() {
        for (Shape s : SHAPES) {
            float scale = 1f / s.numel();
            try (Pair target = Pair.uniform(gpu, 32, s, 0, 1); Pair out = Pair.random(gpu, 33, Shape.of(1));
                 Pair dpred = Pair.random(gpu, 34, s)) {
                for (LossKind kind : LossKind.values()) {
                    double lo = kind == LossKind.BCE ? 0.01 : kind == LossKind.BCE_WITH_LOGITS ? -30 : -2;
                    double hi = kind == LossKind.BCE ? 0.99 : -lo;
                    try (Pair pred = Pair.uniform(gpu, 35, s, lo, hi)) {
                        String what = kind + " " + s;
                        onBoth(k -> k.lossForward(kind, pred.on(k), target.on(k), scale, out.on(k)));
                        out.assertClose(what + " forward", FP32);
                        onBoth(k -> k.lossBackward(kind, pred.on(k), target.on(k), 0.37f, dpred.on(k)));
                        if (kind == LossKind.MSE || kind == LossKind.L1) {
                            dpred.assertSameBits(what + " backward");
                        } else {
                            dpred.assertClose(what + " backward", FP32);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gaussianKlAndReparameterisationMatchTheCpu() {
        for (int[] nl : new int[][] {{1, 1}, {3, 5}, {7, 33}, {128, 16}}) {
            Shape stats = Shape.of(nl[0], 2 * nl[1]);
            Shape z = Shape.of(nl[0], nl[1]);
            String what = " N " + nl[0] + " L " + nl[1];
            try (Pair st = Pair.uniform(gpu, 36, stats, -1.5, 1.5); Pair eps = Pair.random(gpu, 37, z);
                 Pair zz = Pair.random(gpu, 38, z); Pair dz = Pair.random(gpu, 39, z);
                 Pair dstats = Pair.random(gpu, 40, stats); Pair out = Pair.random(gpu, 41, Shape.of(1))) {
                onBoth(k -> k.gaussianKlForward(st.on(k), 1f / nl[0], out.on(k)));
                out.assertClose("gaussianKlForward" + what, FP32);
                onBoth(k -> k.reparameterizeForward(st.on(k), eps.on(k), zz.on(k)));
                zz.assertClose("reparameterizeForward" + what, FP32);
                onBoth(k -> k.reparameterizeBackward(st.on(k), eps.on(k), dz.on(k), dstats.on(k)));
                dstats.assertClose("reparameterizeBackward" + what, FP32);
                onBoth(k -> k.gaussianKlBackward(st.on(k), 0.25f, dstats.on(k)));
                dstats.assertClose("gaussianKlBackward (accumulated onto the reparameterisation's)" + what, FP32);
            }
        }
    }

    @Test
    void klSparsityMatchesTheCpu() {
        for (Shape s : List.of(Shape.of(1, 1), Shape.of(5, 37), Shape.of(3, 4, 5, 7), Shape.of(64, 300))) {
            try (Pair code = Pair.uniform(gpu, 42, s, 0.001, 0.999); Pair dcode = Pair.random(gpu, 43, s);
                 Pair out = Pair.random(gpu, 44, Shape.of(1))) {
                onBoth(k -> k.klSparsityForward(code.on(k), 0.05f, 0.3f, out.on(k)));
                out.assertClose("klSparsityForward " + s, FP32);
                // The means in the same order in double and a gradient without a log: the same bits.
                onBoth(k -> k.klSparsityBackward(code.on(k), 0.05f, 0.3f, dcode.on(k)));
                dcode.assertSameBits("klSparsityBackward (accumulated) " + s);
            }
        }
    }

    @Test
    void optimizerStepsEqualTheCpuBitForBit() {
        // lr, momentum, dampening, weight decay, nesterov
        Object[][] sgd = {{0.1f, 0f, 0f, 0f, false}, {0.05f, 0.9f, 0f, 1e-2f, false}, {0.05f, 0.9f, 0.1f, 0f, false},
            {0.05f, 0.9f, 0f, 1e-3f, true}};
        for (Shape s : SHAPES) {
            for (Object[] c : sgd) {
                try (Pair p = Pair.random(gpu, 45, s); Pair g = Pair.random(gpu, 46, s); Pair buf = Pair.random(gpu, 47, s)) {
                    float momentum = (float) c[1];
                    for (int step = 0; step < 3; step++) {
                        boolean first = step == 0;
                        onBoth(k -> k.sgdStep(p.on(k), g.on(k), momentum != 0f ? buf.on(k) : null, (float) c[0], momentum,
                                (float) c[2], (float) c[3], (boolean) c[4], first));
                    }
                    String what = "SGD " + java.util.Arrays.toString(c) + " " + s;
                    p.assertSameBits(what + ": param");
                    buf.assertSameBits(what + ": momentum buffer");
                }
            }
            // weight decay, decoupled (AdamW)
            for (Object[] c : new Object[][] {{0f, false}, {1e-2f, false}, {1e-2f, true}}) {
                try (Pair p = Pair.random(gpu, 48, s); Pair g = Pair.random(gpu, 49, s);
                     Pair m = Pair.uniform(gpu, 50, s, -0.1, 0.1); Pair v = Pair.uniform(gpu, 51, s, 0, 0.01)) {
                    for (int step = 1; step <= 3; step++) {
                        int t = step;
                        onBoth(k -> k.adamStep(p.on(k), g.on(k), m.on(k), v.on(k), 1e-3f, 0.9f, 0.999f, 1e-8f, (float) c[0],
                                (boolean) c[1], t));
                    }
                    String what = "Adam " + java.util.Arrays.toString(c) + " " + s;
                    p.assertSameBits(what + ": param");
                    m.assertSameBits(what + ": m");
                    v.assertSameBits(what + ": v");
                }
            }
        }
    }

    @Test
    void gradientClippingMatchesTheCpuWhetherOrNotItClips() {
        for (Shape s : SHAPES) {
            for (float maxNorm : new float[] {0.5f, 1e6f}) {
                try (Pair g = Pair.random(gpu, 52, s); Pair norm = Pair.random(gpu, 53, Shape.of(1))) {
                    onBoth(k -> k.clipGradNorm(g.on(k), maxNorm, norm.on(k)));
                    String what = "clipGradNorm " + maxNorm + " " + s;
                    norm.assertClose(what + ": norm", 1e-6);
                    if (maxNorm > 1e5f) {
                        g.assertSameBits(what + ": gradient left alone");
                    } else {
                        g.assertClose(what + ": gradient", 1e-6);
                    }
                }
            }
        }
    }
}
