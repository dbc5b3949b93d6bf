package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulated transposed convolution against direct double loops of PyTorch's definition. */
class ConvTransposeTest {
    private static final int N = 2, CIN = 3, COUT = 5, H = 4, W = 3;

    @Test
    void forwardAndGradientsMatchDirectTransposedConvolution() {
        check(4, 2, 1);  // the reference models' layer
        check(4, 2, 0);
        check(4, 2, 3);
        check(3, 1, 1);
        check(2, 2, 0);
        check(6, 3, 2);
    }

    @Test
    void refusesWhatThePolyphaseFormCannotDo() {
        refused(new Shape(1, 2, 3, 3), new Shape(2, 1, 4, 4), 2, 4, "padding 4");
        refused(new Shape(1, 2, 3, 3), new Shape(2, 1, 3, 3), 2, 1, "stride 2");
        refused(new Shape(1, 3, 3, 3), new Shape(2, 1, 4, 4), 2, 1, "x (1, 3, 3, 3)");
    }

    private static void refused(Shape x, Shape w, int s, int p, String detail) {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConvTranspose.convTranspose2d(m.zeros(x), m.zeros(w), m.zeros(new Shape(w.get(1))), s, p));
            assertTrue(e.getMessage().startsWith("convTranspose2d") && e.getMessage().contains(detail), e.getMessage());
        }
    }

    private static void check(int k, int s, int p) {
        Random r = new Random(31L * k + s + 7L * p);
        int oh = (H - 1) * s - 2 * p + k, ow = (W - 1) * s - 2 * p + k;
        float[] x = random(r, N * CIN * H * W), w = random(r, CIN * COUT * k * k), b = random(r, COUT);
        float[] g = random(r, N * COUT * oh * ow);
        double[] y = new double[N * COUT * oh * ow], dx = new double[x.length], dw = new double[w.length];
        double[] db = new double[COUT];
        for (int n = 0; n < N; n++) {
            for (int co = 0; co < COUT; co++) {
                for (int i = 0; i < oh * ow; i++) {
                    y[(n * COUT + co) * oh * ow + i] = b[co];
                    db[co] += g[(n * COUT + co) * oh * ow + i];
                }
            }
            // out[n, co, ih*s - p + kh, iw*s - p + kw] += x[n, ci, ih, iw] * w[ci, co, kh, kw]
            for (int ci = 0; ci < CIN; ci++) {
                for (int ih = 0; ih < H; ih++) {
                    for (int iw = 0; iw < W; iw++) {
                        int xi = ((n * CIN + ci) * H + ih) * W + iw;
                        for (int co = 0; co < COUT; co++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int y0 = ih * s - p + kh, x0 = iw * s - p + kw;
                                    if (y0 < 0 || y0 >= oh || x0 < 0 || x0 >= ow) {
                                        continue;
                                    }
                                    int yi = ((n * COUT + co) * oh + y0) * ow + x0;
                                    int wi = ((ci * COUT + co) * k + kh) * k + kw;
                                    y[yi] += (double) x[xi] * w[wi];
                                    dx[xi] += (double) g[yi] * w[wi];
                                    dw[wi] += (double) g[yi] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x, new Shape(N, CIN, H, W)), wa = m.create(w, new Shape(CIN, COUT, k, k));
            NDArray ba = m.create(b, new Shape(COUT)), ga = m.create(g, new Shape(N, COUT, oh, ow));
            for (NDArray a : new NDArray[] {xa, wa, ba}) {
                a.setRequiresGradient(true);
            }
            String name = "k" + k + " s" + s + " p" + p;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = ConvTranspose.convTranspose2d(xa, wa, ba, s, p);
                assertEquals(new Shape(N, COUT, oh, ow), out.getShape(), name);
                assertClose(y, out.toFloatArray(), name + " forward");
                collector.backward(out.mul(ga).sum());
            }
            assertClose(dx, xa.getGradient().toFloatArray(), name + " dx");
            assertClose(dw, wa.getGradient().toFloatArray(), name + " dweight");
            assertClose(db, ba.getGradient().toFloatArray(), name + " dbias");
        }
    }

    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), what + " at " + i);
        }
    }
}
