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

class MaxPool2dTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void matchesHandComputedValues() {
        try (MaxPool2d pool = new MaxPool2d(2).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 5, 2, 0, -1, 3, 4, 8, 7, 6, -2, -3, 0, 9, -4, -5}, Shape.of(1, 1, 4, 4))) {
            // [1 5 2 0 / -1 3 4 8 / 7 6 -2 -3 / 0 9 -4 -5] in 2x2 blocks: max 5, 8, 9, -2.
            Numerics.assertClose("max pool", new double[] {5, 8, 9, -2}, pool.forward(x).toFloatArray(), 0);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (MaxPool2d pool = new MaxPool2d(2, 2, 0).build(cpu, 0)) {
            ModuleCheck.of(pool, (x, p) -> ReferencePooling.maxPool(x, 3 * 2, 5, 7, 2, 2, 0)).check(Shape.of(3, 2, 5, 7), 61);
        }
        try (MaxPool2d pool = new MaxPool2d(3, 2, 1).build(cpu, 0)) {
            ModuleCheck.of(pool, (x, p) -> ReferencePooling.maxPool(x, 3 * 2, 5, 7, 3, 2, 1)).check(Shape.of(3, 2, 5, 7), 62);
        }
    }

    @Test
    void defaultsTheStrideToTheKernel() {
        assertEquals(Shape.of(2, 3, 2, 3), new MaxPool2d(2).outputShape(Shape.of(2, 3, 5, 7)));
        assertEquals(Shape.of(2, 3, 3, 4), new MaxPool2d(3, 2, 1).outputShape(Shape.of(2, 3, 5, 7)));
    }

    @Test
    void refusesBadInputNamingTheShapesWithoutAllocating() {
        try (MaxPool2d pool = new MaxPool2d(4).build(cpu, 0); Tensor small = cpu.allocate(2, 3, 3, 8);
             Tensor rank3 = cpu.allocate(3, 8, 8)) {
            long before = cpu.liveBytes();
            String tooSmall = assertThrows(IllegalArgumentException.class, () -> pool.forward(small)).getMessage();
            assertTrue(tooSmall.contains("MaxPool2d") && tooSmall.contains("[2, 3, 3, 8]"), tooSmall);
            String notImages = assertThrows(IllegalArgumentException.class, () -> pool.forward(rank3)).getMessage();
            assertTrue(notImages.contains("MaxPool2d") && notImages.contains("[3, 8, 8]"), notImages);
            assertEquals(before, cpu.liveBytes());
        }
        String pad = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3, 1, 2)).getMessage();
        assertTrue(pad.contains("MaxPool2d") && pad.contains("padding 2"), pad);
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(0));
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, -2, 0));
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (MaxPool2d pool = new MaxPool2d(2).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(1, 2, 4, 4));
             Tensor dy = cpu.zeros(Shape.of(1, 2, 2, 2))) {
            pool.requireInputGradient(false);
            pool.forward(x);
            assertNull(pool.backward(dy));
        }
    }
}
