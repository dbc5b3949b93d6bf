package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.backend.Philox;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePointwise;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void theMaskFollowsTheSeedAndNotTheThreadCount() {
        int n = 50_003; // several Philox chunks on the 2-thread backend
        float[] x = Numerics.toFloat(Numerics.uniform(1, n, 0.5, 1.5));
        try (CpuBackend single = new CpuBackend(1); Dropout a = new Dropout(0.3f).build(single, 42);
             Dropout b = new Dropout(0.3f).build(cpu, 42); Tensor xa = single.fromHost(x, Shape.of(n));
             Tensor xb = cpu.fromHost(x, Shape.of(n))) {
            long offset = b.random().counter();
            float[] ya = a.forward(xa).toFloatArray();
            float[] yb = b.forward(xb).toFloatArray();
            assertArrayEquals(ya, yb);
            boolean[] keep = ReferencePointwise.dropoutKeep(n, 0.3f, 42, offset);
            for (int i = 0; i < n; i++) {
                assertEquals(keep[i], yb[i] != 0, "element " + i + " kept");
            }
        }
    }

    @Test
    void keepsAboutOneMinusPAndScalesTheSurvivors() {
        int n = 200_000;
        float p = 0.3f;
        double[] x = Numerics.uniform(2, n, 0.5, 1.5);
        try (Dropout d = new Dropout(p).build(cpu, 7); Tensor xt = cpu.fromHost(Numerics.toFloat(x), Shape.of(n))) {
            float[] y = d.forward(xt).toFloatArray();
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (y[i] != 0) {
                    kept++;
                    assertEquals(x[i] / (1 - p), y[i], 1e-6 * y[i], "survivor " + i + " is scaled by 1 / (1 - p)");
                }
            }
            // The kept fraction has standard deviation sqrt(p (1 - p) / n) = 0.001; allow 5 of them.
            assertEquals(1 - p, kept / (double) n, 0.005, "kept fraction");
        }
    }

    @Test
    void drawsAFreshMaskOnEveryForward() {
        int n = 1001;
        try (Dropout d = new Dropout(0.5f).build(cpu, 3); Tensor x = cpu.fromHost(new float[n], Shape.of(n))) {
            cpu.fill(x, 1f);
            long start = d.random().counter();
            float[] first = d.forward(x).toFloatArray();
            assertEquals(start + Philox.blocks(n), d.random().counter(), "one forward takes blocks(n) counters");
            float[] second = d.forward(x).toFloatArray();
            assertFalse(java.util.Arrays.equals(first, second), "two forwards gave the same mask");
        }
    }

    @Test
    void backwardAppliesTheForwardsMask() {
        float p = 0.4f;
        try (Dropout d = new Dropout(p).build(cpu, 11); Tensor earlier = cpu.zeros(Shape.of(5))) {
            d.forward(earlier); // moves the stream on, so the offset is not 0
            long offset = d.random().counter();
            Shape shape = Shape.of(3, 5, 7);
            boolean[] keep = ReferencePointwise.dropoutKeep((int) shape.numel(), p, 11, offset);
            ModuleCheck.of(d, (x, params) -> ReferencePointwise.dropout(x, keep, p)).check(shape, 12);
        }
    }

    @Test
    void isTheIdentityInEvaluationModeAndForPZero() {
        try (Dropout eval = new Dropout(0.5f).build(cpu, 0); Dropout none = new Dropout(0f).build(cpu, 0);
             Tensor x = cpu.zeros(Shape.of(4, 3)); Tensor dy = cpu.zeros(Shape.of(4, 3))) {
            eval.train(false);
            for (Dropout d : new Dropout[] {eval, none}) {
                long counter = d.random().counter();
                assertSame(x, d.forward(x), d + " forward");
                assertSame(dy, d.backward(dy), d + " backward");
                assertEquals(counter, d.random().counter(), d + " drew random numbers");
            }
        }
    }

    @Test
    void backwardChecksItsInputs() {
        try (Dropout d = new Dropout().build(cpu, 0); Tensor x = cpu.zeros(Shape.of(2, 3));
             Tensor dy = cpu.zeros(Shape.of(6))) {
            assertEquals("Dropout(p=0.5)", d.toString());
            assertThrows(IllegalStateException.class, () -> d.backward(x));
            d.forward(x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.backward(dy));
            assertTrue(e.getMessage().contains("[6]") && e.getMessage().contains("[2, 3]"), e.getMessage());
            d.requireInputGradient(false);
            assertNull(d.backward(x));
        }
    }

    @Test
    void pOneZeroesEveryOutputAndEveryGradientInTraining() {
        float[] ones = new float[12];
        java.util.Arrays.fill(ones, 1f);
        try (Dropout d = new Dropout(1f).build(cpu, 0); Tensor x = cpu.fromHost(ones, Shape.of(3, 4));
             Tensor dy = cpu.fromHost(ones, Shape.of(3, 4))) {
            assertArrayEquals(new float[12], d.forward(x).toFloatArray());
            assertArrayEquals(new float[12], d.backward(dy).toFloatArray());
            d.train(false);
            assertSame(x, d.forward(x));
        }
    }

    @Test
    void refusesAProbabilityOutsideZeroToOne() {
        for (float p : new float[] {-0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertTrue(e.getMessage().contains("Dropout") && e.getMessage().contains(String.valueOf(p))
                    && e.getMessage().contains("[0, 1]"), e.getMessage());
        }
    }
}
