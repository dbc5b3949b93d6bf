package dev.engram.backend.cpu;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** copyRows: strided row copies in both directions, and the shapes it refuses. */
class CopyRowsTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void copiesEveryStepThRowAndLeavesTheOthers() {
        float[] stats = new float[10 * 2];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = i;
        }
        try (Tensor s = cpu.fromHost(stats, Shape.of(10, 2)); Tensor mu = cpu.zeros(Shape.of(5, 2));
             Tensor back = cpu.zeros(Shape.of(9, 2))) {
            cpu.copyRows(s, 2, mu, 1);
            assertArrayEquals(new float[] {0, 1, 4, 5, 8, 9, 12, 13, 16, 17}, mu.toFloatArray());
            // 9 rows at step 2 are 5 rows: 0, 2, 4, 6, 8; the odd ones stay 0.
            cpu.copyRows(mu, 1, back, 2);
            assertArrayEquals(new float[] {0, 1, 0, 0, 4, 5, 0, 0, 8, 9, 0, 0, 12, 13, 0, 0, 16, 17}, back.toFloatArray());
        }
    }

    @Test
    void refusesMismatchedWidthsRowCountsAndSteps() {
        try (Tensor a = cpu.zeros(Shape.of(6, 3)); Tensor b = cpu.zeros(Shape.of(3, 2)); Tensor c = cpu.zeros(Shape.of(4, 3));
             Tensor d = cpu.zeros(Shape.of(2, 3, 1))) {
            long before = cpu.liveBytes();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cpu.copyRows(a, 2, b, 1)).getMessage()
                    .contains("same width"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cpu.copyRows(a, 2, c, 1)).getMessage()
                    .contains("3 rows at step 2 but dst [4, 3] has 4 at step 1"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cpu.copyRows(a, 0, c, 1)).getMessage()
                    .contains(">= 1"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cpu.copyRows(a, 3, d, 1)).getMessage()
                    .contains("matrices"));
            assertEquals(before, cpu.liveBytes());
        }
    }
}
