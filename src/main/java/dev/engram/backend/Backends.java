package dev.engram.backend;

import dev.engram.backend.cpu.CpuBackend;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Opens the backend a user asked for: "cpu", "cuda", "cuda:N" or "auto" (CUDA when a device and
 * its libraries load, else the CPU with one line saying why).
 */
public final class Backends {
    /** Why CUDA cannot be used by this build; the CUDA backend is being written (issue 4). */
    static final String NO_CUDA = "this build of engram has no CUDA backend yet";

    private Backends() {
    }

    /**
     * The backend for {@code device}; notes such as a fallback to the CPU go to {@code notes}.
     * Refuses an unknown device name or an explicit CUDA request that cannot be met.
     */
    public static Backend open(String device, PrintStream notes) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return new CpuBackend();
        }
        if (d.equals("auto")) {
            notes.println("engram: using the CPU backend (" + NO_CUDA + ")");
            return new CpuBackend();
        }
        if (d.equals("cuda") || d.matches("cuda:\\d+")) {
            throw new IllegalArgumentException("device " + device + " is not available: " + NO_CUDA
                    + "; use --device cpu");
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; use auto, cpu, cuda or cuda:N");
    }
}
