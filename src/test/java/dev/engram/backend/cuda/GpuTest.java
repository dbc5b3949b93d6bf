package dev.engram.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A GPU test class: device 0 opened before its tests (or all of them skipped, saying why) and closed after. */
abstract class GpuTest {
    static CudaBackend gpu;

    @BeforeAll
    static void openDevice() {
        gpu = GpuOrSkip.open();
    }

    @AfterAll
    static void closeDevice() {
        if (gpu != null) {
            gpu.close();
            gpu = null;
        }
    }
}
