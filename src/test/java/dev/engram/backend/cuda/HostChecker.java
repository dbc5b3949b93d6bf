package dev.engram.backend.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A program of kernels/host/ compiled with nvcc for the host: it runs the kernels'
 * __host__ __device__ functions on requests read from stdin and prints floats as hex bit patterns.
 */
final class HostChecker {
    private final String executable;

    private HostChecker(String executable) {
        this.executable = executable;
    }

    /** Compiles kernels/host/{@code source} into {@code dir}; skips the test class where nvcc is absent. */
    static HostChecker compile(String source, Path dir) throws Exception {
        CudaTools.require("nvcc");
        String exe = dir.resolve(source.replace(".cu", "")).toString();
        CudaTools.Result r = CudaTools.run(List.of("nvcc", "-std=c++17", "-O2", "-o", exe, "kernels/host/" + source), "");
        assertEquals(0, r.exitCode(), "nvcc failed on kernels/host/" + source + ":\n" + r.output());
        return new HostChecker(exe);
    }

    /** The program's output lines for {@code requests}. */
    List<String> run(String requests) throws Exception {
        CudaTools.Result r = CudaTools.run(List.of(executable), requests);
        assertEquals(0, r.exitCode(), executable + " failed:\n" + r.output());
        return List.of(r.output().split("\n"));
    }

    /** The floats of one output line of hex bit patterns. */
    static float[] floats(String line) {
        int[] bits = words(line);
        float[] v = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            v[i] = Float.intBitsToFloat(bits[i]);
        }
        return v;
    }

    /** The 32-bit words of one output line of hex. */
    static int[] words(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] parts = trimmed.split("\\s+");
        int[] bits = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bits[i] = Integer.parseUnsignedInt(parts[i], 16);
        }
        return bits;
    }

    static String hex(float f) {
        return Integer.toHexString(Float.floatToRawIntBits(f));
    }

    /** One input line: the floats' bit patterns in hex. */
    static String hexLine(float[] v) {
        List<String> parts = new ArrayList<>(v.length);
        for (float f : v) {
            parts.add(hex(f));
        }
        return String.join(" ", parts) + "\n";
    }
}
