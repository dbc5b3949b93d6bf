package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.backend.LossKind;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferenceLosses;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU loss, KL and reparameterisation ops on inputs large enough to be split over threads
 * and reductions blocks, at non-zero offsets into their storage, against float64 references;
 * and their results do not depend on the thread count.
 */
class LossOpsTest {
    /** More than one parallel chunk of elementwise work and several reduction blocks. */
    private static final int N = 2 * CpuElementwise.GRAIN + 3 * CpuElementwise.REDUCE_BLOCK + 5;
    /** Enough rows for three chunks on three threads, whose bounds fall inside rows (L = 113). */
    private static final int ROWS = 901;
    private static final int LATENT = 113;

    private final Backend cpu = TestBackends.cpu();

    static double[] predictions(LossKind kind, long seed, int n) {
        return switch (kind) {
            case BCE -> Numerics.uniform(seed, n, 0.02, 0.98);
            case BCE_WITH_LOGITS -> Numerics.uniform(seed, n, -12, 12);
            default -> Numerics.uniform(seed, n, -2, 2);
        };
    }

    static double[] targets(LossKind kind, long seed, int n) {
        return kind == LossKind.BCE || kind == LossKind.BCE_WITH_LOGITS
                ? Numerics.uniform(seed, n, 0, 1) : Numerics.uniform(seed, n, -2, 2);
    }

    /** A tensor holding v after {@code pad} leading elements of the same storage. */
    private static Tensor atOffset(Tensor storage, int pad, double[] v) {
        Tensor t = storage.slice(pad, pad + v.length);
        t.backend().copyFromHost(Numerics.toFloat(v), 0, t);
        return t;
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void lossAndGradientMatchTheReferenceOnLargeInputs(LossKind kind) {
        double[] p = predictions(kind, 1, N);
        double[] t = targets(kind, 2, N);
        float scale = 0.37f;
        try (Tensor buf = cpu.allocate(3 * N + 20)) {
            Tensor pred = atOffset(buf, 3, p);
            Tensor target = atOffset(buf, N + 7, t);
            Tensor dpred = buf.slice(2 * N + 11, 3 * N + 11);
            Tensor out = buf.slice(3 * N + 13, 3 * N + 14);
            cpu.lossForward(kind, pred, target, scale, out);
            cpu.lossBackward(kind, pred, target, scale, dpred);

            double expected = scale * ReferenceLosses.sum(kind, p, t);
            Numerics.assertClose(kind + " forward", new double[] {expected}, out.toFloatArray(), 1e-6);
            // Each element's derivative by central differences of the reference element loss.
            double[] grad = new double[N];
            for (int i = 0; i < N; i++) {
                double h = 1e-6 * Math.max(1, Math.abs(p[i]));
                grad[i] = scale * (ReferenceLosses.element(kind, p[i] + h, t[i])
                        - ReferenceLosses.element(kind, p[i] - h, t[i])) / (2 * h);
            }
            Numerics.assertClose(kind + " backward", grad, dpred.toFloatArray(), 1e-6, 1e-7);
        }
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void lossResultsDoNotDependOnTheThreadCount(LossKind kind) {
        float[] p = Numerics.toFloat(predictions(kind, 3, N));
        float[] t = Numerics.toFloat(targets(kind, 4, N));
        float[][] reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend b = new CpuBackend(threads); Tensor pred = b.fromHost(p, Shape.of(N));
                 Tensor target = b.fromHost(t, Shape.of(N)); Tensor d = b.allocate(N); Tensor out = b.allocate(1)) {
                b.lossForward(kind, pred, target, 0.5f, out);
                b.lossBackward(kind, pred, target, 0.5f, d);
                float[][] got = {out.toFloatArray(), d.toFloatArray()};
                if (reference == null) {
                    reference = got;
                } else {
                    assertArrayEquals(reference[0], got[0], kind + " forward with " + threads + " threads");
                    assertArrayEquals(reference[1], got[1], kind + " backward with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void klAndReparameterisationMatchTheReferenceWhenChunksSplitRows() {
        double[] stats = Numerics.uniform(5, ROWS * 2 * LATENT, -1.5, 1.5);
        double[] eps = Numerics.uniform(6, ROWS * LATENT, -2, 2);
        double[] dz = Numerics.uniform(7, ROWS * LATENT, -1, 1);
        double[] prior = Numerics.uniform(8, stats.length, -1, 1);
        float scale = 0.25f;
        int s = stats.length;
        int z = eps.length;
        try (CpuBackend three = new CpuBackend(3); Tensor buf = three.allocate(3 * s + 3 * z + 9)) {
            Tensor st = atOffset(buf, 1, stats).view(ROWS, 2 * LATENT);
            Tensor dstats = atOffset(buf, s + 2, prior).view(ROWS, 2 * LATENT);
            Tensor e = atOffset(buf, 2 * s + 3, eps).view(ROWS, LATENT);
            Tensor g = atOffset(buf, 2 * s + z + 4, dz).view(ROWS, LATENT);
            Tensor zt = buf.slice(2 * s + 2 * z + 5, 2 * s + 3 * z + 5).view(ROWS, LATENT);
            Tensor dRep = buf.slice(2 * s + 3 * z + 6, 3 * s + 3 * z + 6).view(ROWS, 2 * LATENT);
            Tensor out = buf.slice(3 * s + 3 * z + 7, 3 * s + 3 * z + 8);

            three.gaussianKlForward(st, scale, out);
            Numerics.assertClose("KL forward", new double[] {scale * ReferenceLosses.gaussianKl(stats, ROWS)},
                    out.toFloatArray(), 1e-6);

            three.gaussianKlBackward(st, scale, dstats);
            double[] expected = prior.clone();
            for (int n = 0; n < ROWS; n++) {
                for (int j = 0; j < LATENT; j++) {
                    int mu = n * 2 * LATENT + j;
                    int lv = mu + LATENT;
                    expected[mu] += scale * stats[mu];
                    expected[lv] += scale * 0.5 * (Math.exp(stats[lv]) - 1);
                }
            }
            Numerics.assertClose("KL backward accumulates", expected, dstats.toFloatArray(), 1e-6, 1e-7);

            three.reparameterizeForward(st, e, zt);
            Numerics.assertClose("z", ReferenceLosses.reparameterize(stats, eps, ROWS), zt.toFloatArray(), 1e-6, 1e-7);

            three.reparameterizeBackward(st, e, g, dRep);
            double[] expectedRep = new double[s];
            for (int n = 0; n < ROWS; n++) {
                for (int j = 0; j < LATENT; j++) {
                    int k = n * LATENT + j;
                    int mu = n * 2 * LATENT + j;
                    expectedRep[mu] = dz[k];
                    expectedRep[mu + LATENT] = dz[k] * eps[k] * Math.exp(stats[mu + LATENT] / 2) / 2;
                }
            }
            Numerics.assertClose("reparameterize backward", expectedRep, dRep.toFloatArray(), 1e-6, 1e-7);
        }
    }

    @Test
    void klForwardDoesNotDependOnTheThreadCount() {
        float[] stats = Numerics.toFloat(Numerics.uniform(9, ROWS * 2 * LATENT, -2, 2));
        Float first = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend b = new CpuBackend(threads); Tensor st = b.fromHost(stats, Shape.of(ROWS, 2 * LATENT));
                 Tensor out = b.allocate(1)) {
                b.gaussianKlForward(st, 1f, out);
                float v = b.readScalar(out);
                if (first == null) {
                    first = v;
                } else {
                    assertEquals(first, v, "KL with " + threads + " threads");
                }
            }
        }
    }
}
