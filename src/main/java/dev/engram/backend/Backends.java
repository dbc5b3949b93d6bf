package dev.engram.backend;

import dev.engram.backend.cpu.CpuBackend;
import dev.engram.backend.cuda.Availability;
import dev.engram.backend.cuda.CudaBackend;
import dev.engram.backend.cuda.CudaLibraries;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;

/**
 * Opens the backend a user asked for: "cpu", "cuda", "cuda:N" or "auto" (CUDA when a device and
 * its libraries load and the CUDA backend runs every op, else the CPU with one line saying why).
 * Whether CUDA GEMMs and convolutions may use TF32 tensor cores is the caller's choice (PyTorch
 * allows it by default).
 */
public final class Backends {
    private Backends() {
    }

    /**
     * The backend for {@code device}; {@code allowTf32} lets a CUDA backend use TF32 tensor cores
     * (the CPU ignores it); notes such as a fallback to the CPU go to {@code notes}. Refuses an
     * unknown device name or an explicit CUDA request that cannot be met.
     */
    public static Backend open(String device, boolean allowTf32, PrintStream notes) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return new CpuBackend();
        }
        if (d.equals("auto")) {
            Optional<String> why = whyNotCuda();
            if (why.isPresent()) {
                notes.println("engram: using the CPU backend (" + why.get() + ")");
                return new CpuBackend();
            }
            return CudaBackend.open(0, allowTf32);
        }
        if (d.equals("cuda") || d.matches("cuda:\\d{1,4}")) {
            return CudaBackend.open(d.equals("cuda") ? 0 : Integer.parseInt(d.substring("cuda:".length())), allowTf32);
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; use auto, cpu, cuda or cuda:N");
    }

    /** Why "auto" does not choose CUDA on this machine, or empty when it does. */
    public static Optional<String> whyNotCuda() {
        Availability a = CudaLibraries.all();
        if (!a.available()) {
            return Optional.of(a.detail());
        }
        if (!CudaBackend.VERIFIED_ON_GPU) {
            return Optional.of("CUDA is available (" + a.detail() + ") but the CUDA backend has not yet passed its"
                    + " parity tests on a GPU; --device cuda uses it");
        }
        return Optional.empty();
    }
}
