package dev.engram.tensor;

import dev.engram.backend.Backend;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    private final Backend cpu = TestBackends.cpu();

    @Test
    void viewsShareMemoryWithoutOwningIt() {
        try (Tensor t = cpu.fromHost(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3))) {
            Tensor flat = t.view(6);
            Tensor row = t.slice(1, 2);
            assertArrayEquals(new float[] {4, 5, 6}, row.toFloatArray());
            cpu.fill(row, 0f);
            assertArrayEquals(new float[] {1, 2, 3, 0, 0, 0}, flat.toFloatArray());
            long live = cpu.liveBytes();
            row.close();
            assertEquals(live, cpu.liveBytes(), "closing a view frees nothing");
        }
    }

    @Test
    void refusesUseAfterCloseAndToleratesDoubleClose() {
        long before = cpu.liveBytes();
        Tensor t = cpu.allocate(4);
        Tensor v = t.view(2, 2);
        t.close();
        assertDoesNotThrow(t::close);
        assertEquals(before, cpu.liveBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cpu.fill(v, 1f));
        assertTrue(e.getMessage().contains("after close"), e.getMessage());
    }

    @Test
    void refusesBadShapesWithTheirSizes() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -1));
        assertTrue(neg.getMessage().contains("[3, -1]"), neg.getMessage());
        try (Tensor t = cpu.allocate(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(4, 2));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.slice(1, 3));
        }
        assertThrows(UnsupportedOperationException.class, () -> cpu.allocate(DType.BFLOAT16, Shape.of(2)));
    }
}
