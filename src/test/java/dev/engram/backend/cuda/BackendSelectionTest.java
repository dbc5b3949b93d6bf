package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import dev.engram.backend.Backends;
import dev.engram.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class BackendSelectionTest {
    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(notes, true, StandardCharsets.UTF_8);

    @Test
    void cpuIsTheCpuBackendWithoutNotes() {
        try (Backend b = Backends.open("cpu", true, out)) {
            assertInstanceOf(CpuBackend.class, b);
        }
        assertEquals("", notes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void autoFallsBackToTheCpuWithOneLineSayingWhy() {
        assumeFalse(Backends.whyNotCuda().isEmpty(), "CUDA is usable here: auto picks it");
        try (Backend b = Backends.open("auto", true, out)) {
            assertInstanceOf(CpuBackend.class, b);
        }
        String text = notes.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertEquals("engram: using the CPU backend (" + Backends.whyNotCuda().get() + ")", text.trim());
    }

    @Test
    void anExplicitCudaRequestThatCannotBeMetIsRefusedWithTheReason() {
        assumeFalse(CudaLibraries.all().available(), "CUDA is usable here");
        for (String device : new String[] {"cuda", "CUDA:1"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.open(device, true, out));
            assertTrue(e.getMessage().contains(CudaLibraries.all().detail()) && e.getMessage().endsWith("use --device cpu"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anUnknownDeviceIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open("tpu", true, out));
        assertEquals("unknown device 'tpu'; use auto, cpu, cuda or cuda:N", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.open("cuda:x", true, out));
    }
}
