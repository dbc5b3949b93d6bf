package dev.engram.cli;

import dev.engram.backend.cpu.CpuBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What engram found on this machine: Java, the CPU backend's kernel, the NVIDIA driver, and why CUDA is or is not used. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, the backends found and why CUDA is or is not used.")
final class DoctorCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "version: %s%n", new Main.Version().getVersion()[0]);
        out.printf(Locale.ROOT, "java:    %s (%s), %s%n", System.getProperty("java.version"),
                System.getProperty("java.vendor"), System.getProperty("java.home"));
        out.printf(Locale.ROOT, "system:  %s %s, %d processors, max heap %.1f GiB%n", System.getProperty("os.name"),
                System.getProperty("os.arch"), rt.availableProcessors(), rt.maxMemory() / (double) (1L << 30));
        try (CpuBackend cpu = new CpuBackend()) {
            out.printf(Locale.ROOT, "cpu:     available, %d threads, GEMM kernel %s%n", cpu.threadCount(), cpu.gemmKernel());
            if (cpu.gemmKernel().startsWith("scalar")) {
                out.println("         (the fast kernel needs the JVM option --add-modules jdk.incubator.vector;"
                        + " the engram launcher passes it)");
            }
        }
        out.printf("driver:  %s%n", nvidiaDriver());
        out.println("cuda:    not used: this build of engram has no CUDA backend yet");
    }

    /** The NVIDIA kernel driver's version line and where libcuda.so.1 is, if anywhere. */
    static String nvidiaDriver() {
        Optional<String> version = firstLine(Path.of("/proc/driver/nvidia/version"));
        Optional<Path> libcuda = findLibrary("libcuda.so.1");
        if (version.isEmpty() && libcuda.isEmpty()) {
            return "no NVIDIA driver found (no /proc/driver/nvidia/version, no libcuda.so.1)";
        }
        return version.orElse("NVIDIA kernel module not loaded") + "; libcuda.so.1: "
                + libcuda.map(Path::toString).orElse("not found");
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Searches LD_LIBRARY_PATH and the usual system library folders. */
    static Optional<Path> findLibrary(String name) {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64",
                "/usr/local/cuda/lib64", "/usr/local/cuda/compat"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::exists).findFirst();
    }
}
