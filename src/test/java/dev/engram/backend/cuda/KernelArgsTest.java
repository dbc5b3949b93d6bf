package dev.engram.backend.cuda;

import dev.engram.backend.cuda.KernelCatalog.Kernel;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Launch arguments are checked against the catalog before they reach the driver (no GPU needed). */
class KernelArgsTest {
    private static final Kernel AXPBY = KernelCatalog.get("engram_axpby_f32");

    @Test
    void argumentsOfTheCataloguedTypesPack() {
        assertNotNull(KernelArgs.pack(AXPBY, 2f, new DeviceAddress(), 0.5f, new DeviceAddress(), 7L).pointer());
        assertNotNull(KernelArgs.pack(KernelCatalog.get("engram_reduce_finish"), new DeviceAddress(), 3, 1f,
                new DeviceAddress()));
    }

    @Test
    void anIntWhereTheKernelTakesALongLongIsRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2f, new DeviceAddress(), 0.5f, new DeviceAddress(), 7));
        assertEquals("engram_axpby_f32: parameter n is I64, got Integer", e.getMessage());
    }

    @Test
    void aMissingArgumentIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2f, new DeviceAddress(), 0.5f, new DeviceAddress()));
        assertEquals(true, e.getMessage().startsWith("engram_axpby_f32 takes 5 arguments"), e.getMessage());
    }

    @Test
    void theKeyHoldsAddressesWithTheirOffsetsIntegersAndFloatBits() {
        DeviceAddress base = new DeviceAddress();
        KernelArgs a = KernelArgs.pack(AXPBY, 2f, base.withByteOffset(64), 0.5f, base, 7L);
        assertArrayEquals(new long[] {Float.floatToRawIntBits(2f), 64, Float.floatToRawIntBits(0.5f), 0, 7}, a.key());
        assertEquals(96, base.withByteOffset(64).withByteOffset(32).address());
    }

    @Test
    void aPointerThatDoesNotKnowItsAddressIsRefused() {
        // JCuda's own pointers compare by base alone: a replayed step could not see an offset move.
        assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2f, new CUdeviceptr(), 0.5f, new DeviceAddress(), 7L));
    }

    @Test
    void aDoubleWhereTheKernelTakesAFloatIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> KernelArgs.pack(AXPBY, 2.0, new DeviceAddress(), 0.5f, new DeviceAddress(), 7L));
    }
}
