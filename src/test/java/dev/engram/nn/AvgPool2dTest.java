package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.ModuleCheck;
import dev.engram.testing.Numerics;
import dev.engram.testing.ReferencePooling;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvgPool2dTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void matchesHandComputedValues() {
        try (AvgPool2d pool = new AvgPool2d(2, 2, 1).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, Shape.of(1, 1, 3, 3))) {
            // Padded by 1 to 5x5, windows of 2x2 at stride 2, always divided by 4 (padding counts):
            // {pad, pad, pad, 1} = 1/4; {pad pad / 2 3} = 5/4; {pad 4 / pad 7} = 11/4; {5 6 / 8 9} = 28/4.
            Numerics.assertClose("avg pool", new double[] {0.25, 1.25, 2.75, 7}, pool.forward(x).toFloatArray(), 0);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (AvgPool2d pool = new AvgPool2d(3, 2, 1).build(cpu, 0)) {
            ModuleCheck.of(pool, (x, p) -> ReferencePooling.avgPool(x, 3 * 2, 5, 7, 3, 2, 1)).check(Shape.of(3, 2, 5, 7), 71);
        }
        try (AvgPool2d pool = new AvgPool2d(2).build(cpu, 0)) {
            ModuleCheck.of(pool, (x, p) -> ReferencePooling.avgPool(x, 2 * 3, 5, 7, 2, 2, 0)).check(Shape.of(2, 3, 5, 7), 72);
        }
    }

    @Test
    void refusesBadInputNamingTheShapesWithoutAllocating() {
        try (AvgPool2d pool = new AvgPool2d(5, 1, 1).build(cpu, 0); Tensor small = cpu.allocate(2, 3, 2, 8);
             Tensor rank3 = cpu.allocate(3, 8, 8)) {
            long before = cpu.liveBytes();
            String tooSmall = assertThrows(IllegalArgumentException.class, () -> pool.forward(small)).getMessage();
            assertTrue(tooSmall.contains("AvgPool2d") && tooSmall.contains("[2, 3, 2, 8]"), tooSmall);
            String notImages = assertThrows(IllegalArgumentException.class, () -> pool.forward(rank3)).getMessage();
            assertTrue(notImages.contains("AvgPool2d") && notImages.contains("[3, 8, 8]"), notImages);
            assertEquals(before, cpu.liveBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(3, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(-3));
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (AvgPool2d pool = new AvgPool2d(2).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(1, 2, 4, 4));
             Tensor dy = cpu.zeros(Shape.of(1, 2, 2, 2))) {
            pool.requireInputGradient(false);
            pool.forward(x);
            assertNull(pool.backward(dy));
        }
    }
}
