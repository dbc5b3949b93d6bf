package dev.engram.backend.cuda;

import dev.engram.backend.cuda.KernelCatalog.Kernel;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Launch arguments are checked against the catalog before they reach the driver (no GPU needed). */
class KernelArgsTest {
    private static final Kernel AXPBY = KernelCatalog.get("engram_axpby_f32");

    @Test
    void argumentsOfTheCataloguedTypesPack() {
        assertNotNull(KernelArgs.pack(AXPBY, 2f, new CUdeviceptr(), 0.5f, new CUdeviceptr(), 7L));
        assertNotNull(KernelArgs.pack(KernelCatalog.get("engram_reduce_finish"), new CUdeviceptr(), 3, 1f,
                new CUdeviceptr()));
    }

    @Test
    void anIntWhereTheKernelTakesALongLongIsRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2f, new CUdeviceptr(), 0.5f, new CUdeviceptr(), 7));
        assertEquals("engram_axpby_f32: parameter n is I64, got Integer", e.getMessage());
    }

    @Test
    void aMissingArgumentIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2f, new CUdeviceptr(), 0.5f, new CUdeviceptr()));
        assertEquals(true, e.getMessage().startsWith("engram_axpby_f32 takes 5 arguments"), e.getMessage());
    }

    @Test
    void aDoubleWhereTheKernelTakesAFloatIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2.0, new CUdeviceptr(), 0.5f, new CUdeviceptr(), 7L));
    }
}
