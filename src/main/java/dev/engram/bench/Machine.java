package dev.engram.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What a benchmark figure was measured on: the CPU's model, clock, cores and how busy it was. */
public final class Machine {
    private Machine() {
    }

    /** The CPU's model name from /proc/cpuinfo, else the architecture. */
    public static String cpuModel() {
        return cpuinfo("model name").orElse(System.getProperty("os.arch"));
    }

    /** The nominal clock from /proc/cpuinfo, if it says. */
    public static Optional<Double> cpuMhz() {
        return cpuinfo("cpu MHz").flatMap(v -> {
            try {
                return Optional.of(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The one-minute load average, or NaN where the system does not say (a shared machine shows here). */
    public static double loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /** A file-name-safe short form of a machine or device name: "AMD EPYC 7B13" becomes "amd-epyc-7b13". */
    public static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("\\(r\\)|\\(tm\\)|processor|\\bcpu\\b|@.*$", "")
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "unknown" : s;
    }

    /** The first value of a /proc/cpuinfo field, if the file exists and has it. */
    private static Optional<String> cpuinfo(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith(field))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
