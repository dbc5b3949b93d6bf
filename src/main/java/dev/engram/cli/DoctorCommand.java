package dev.engram.cli;

import dev.engram.backend.Backends;
import dev.engram.backend.cpu.CpuBackend;
import dev.engram.backend.cuda.Availability;
import dev.engram.backend.cuda.CudaDevice;
import dev.engram.backend.cuda.CudaLibraries;
import dev.engram.backend.cuda.LibrarySearch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What engram found on this machine: Java, the CPU backend's kernel, the NVIDIA driver, each CUDA
 * device, cuBLAS and cuDNN, and which backend "auto" uses and why.
 */
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
        Availability driver = CudaLibraries.driver();
        out.printf("cuda:    %s%n", line(driver));
        if (driver.available()) {
            for (CudaDevice.Properties p : CudaDevice.list()) {
                out.printf(Locale.ROOT, "         cuda:%d %s, compute capability %s, %.1f GiB, %d SMs%n", p.ordinal(),
                        p.name(), p.computeCapability(), p.totalBytes() / (double) (1L << 30), p.multiprocessors());
            }
        }
        out.printf("cublas:  %s%n", line(CudaLibraries.cublas()));
        out.printf("cudnn:   %s%n", line(CudaLibraries.cudnn()));
        Optional<String> whyNot = Backends.whyNotCuda();
        out.printf("auto:    %s%n", whyNot.map(w -> "cpu (" + w + ")").orElse("cuda:0"));
    }

    private static String line(Availability a) {
        return (a.available() ? "" : "not available: ") + a.detail();
    }

    /** The NVIDIA kernel driver's version line and where libcuda.so.1 is, if anywhere. */
    static String nvidiaDriver() {
        Optional<String> version = firstLine(Path.of("/proc/driver/nvidia/version"));
        Optional<Path> libcuda = LibrarySearch.ofThisHost().first("libcuda.so.1");
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
}
