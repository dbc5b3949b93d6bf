package dev.engram.nn;

import dev.engram.backend.Backend;
import dev.engram.backend.UpsampleMode;
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

class UpsampleTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void matchesHandComputedValues() {
        try (Upsample nearest = new Upsample(2, UpsampleMode.NEAREST).build(cpu, 0);
             Upsample bilinear = new Upsample(2, UpsampleMode.BILINEAR).build(cpu, 0);
             Tensor x = cpu.fromHost(new float[] {1, 2, 3, 4}, Shape.of(1, 1, 2, 2))) {
            Numerics.assertClose("nearest x2", new double[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                    nearest.forward(x).toFloatArray(), 0);
            // Sources per axis: max(0, (i + 0.5) / 2 - 0.5) = 0, 0.25, 0.75, 1 (clamped), so each row of
            // [1 2] becomes [1, 1.25, 1.75, 2] and rows mix at the same weights: [3 4] gives [3, 3.25, 3.75, 4].
            Numerics.assertClose("bilinear x2", new double[] {
                    1, 1.25, 1.75, 2,
                    1.5, 1.75, 2.25, 2.5,
                    2.5, 2.75, 3.25, 3.5,
                    3, 3.25, 3.75, 4}, bilinear.forward(x).toFloatArray(), 1e-7);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (Upsample up = new Upsample(2, UpsampleMode.NEAREST).build(cpu, 0)) {
            ModuleCheck.of(up, (x, p) -> ReferencePooling.nearest(x, 3 * 2, 5, 7, 10, 14)).check(Shape.of(3, 2, 5, 7), 81);
        }
        try (Upsample up = new Upsample(2, UpsampleMode.BILINEAR).build(cpu, 0)) {
            ModuleCheck.of(up, (x, p) -> ReferencePooling.bilinear(x, 3 * 2, 5, 7, 10, 14)).check(Shape.of(3, 2, 5, 7), 82);
        }
        try (Upsample up = Upsample.toSize(9, 11, UpsampleMode.BILINEAR).build(cpu, 0)) {
            ModuleCheck.of(up, (x, p) -> ReferencePooling.bilinear(x, 3 * 2, 5, 7, 9, 11)).check(Shape.of(3, 2, 5, 7), 83);
        }
        try (Upsample up = Upsample.toSize(9, 11, UpsampleMode.NEAREST).build(cpu, 0)) {
            ModuleCheck.of(up, (x, p) -> ReferencePooling.nearest(x, 3 * 2, 5, 7, 9, 11)).check(Shape.of(3, 2, 5, 7), 84);
        }
    }

    @Test
    void computesTheOutputShape() {
        assertEquals(Shape.of(2, 3, 15, 21), new Upsample(3, UpsampleMode.NEAREST).outputShape(Shape.of(2, 3, 5, 7)));
        assertEquals(Shape.of(2, 3, 9, 11), Upsample.toSize(9, 11, UpsampleMode.BILINEAR).outputShape(Shape.of(2, 3, 5, 7)));
    }

    @Test
    void refusesBadInputNamingTheShapesWithoutAllocating() {
        try (Upsample up = new Upsample(2, UpsampleMode.BILINEAR).build(cpu, 0); Tensor rank3 = cpu.allocate(3, 8, 8);
             Tensor empty = cpu.allocate(2, 3, 0, 4)) {
            long before = cpu.liveBytes();
            String notImages = assertThrows(IllegalArgumentException.class, () -> up.forward(rank3)).getMessage();
            assertTrue(notImages.contains("Upsample") && notImages.contains("[3, 8, 8]"), notImages);
            String noPixels = assertThrows(IllegalArgumentException.class, () -> up.forward(empty)).getMessage();
            assertTrue(noPixels.contains("Upsample") && noPixels.contains("[2, 3, 0, 4]"), noPixels);
            assertEquals(before, cpu.liveBytes());
        }
        assertThrows(IllegalArgumentException.class, () -> new Upsample(0, UpsampleMode.NEAREST));
        assertThrows(IllegalArgumentException.class, () -> new Upsample(2, null));
        assertThrows(IllegalArgumentException.class, () -> Upsample.toSize(-1, 4, UpsampleMode.NEAREST));
    }

    @Test
    void skipsTheInputGradientWhenNotRequired() {
        try (Upsample up = new Upsample(2, UpsampleMode.NEAREST).build(cpu, 0); Tensor x = cpu.zeros(Shape.of(1, 2, 3, 3));
             Tensor dy = cpu.zeros(Shape.of(1, 2, 6, 6))) {
            up.requireInputGradient(false);
            up.forward(x);
            assertNull(up.backward(dy));
        }
    }
}
