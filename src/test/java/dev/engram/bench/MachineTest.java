package dev.engram.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MachineTest {

    @Test
    void slugsAreShortAndFileNameSafe() {
        assertEquals("amd-epyc-7b13", Machine.slug("AMD EPYC 7B13"));
        assertEquals("intel-xeon-platinum-8480", Machine.slug("Intel(R) Xeon(R) Platinum 8480 CPU @ 2.00GHz"));
        assertEquals("nvidia-h100-80gb-hbm3", Machine.slug("NVIDIA H100 80GB HBM3"));
        assertEquals("unknown", Machine.slug("(TM)"));
    }
}
