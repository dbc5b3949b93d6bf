package dev.engram.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the peers' throughput benchmarks share: their command line
 * ({@code [--steps 20] [--warmup 5] [--out file.json] [model ...]}), and for each model the ms per
 * training step (median, min, max) and images/s, printed as a table and written as JSON.
 */
final class StepTimings {
    /** ms per step of {@code steps} timed steps after {@code warmup} untimed ones. */
    interface Timer {
        double[] time(String model, int batch, int steps, int warmup);
    }

    private StepTimings() {
    }

    /** Parses the command line of {@code program}, times each model and reports it. */
    static void run(String program, String peer, Map<String, Object> runInfo, String[] args, Timer timer)
            throws IOException {
        int steps = 20;
        int warmup = 5;
        Path out = null;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    if (!ReferenceModels.NAMES.contains(args[i])) {
                        throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: " + program
                                + " [--steps N] [--warmup N] [--out file.json] [model ...], models " + ReferenceModels.NAMES);
                    }
                    models.add(args[i]);
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", LocalDate.now().toString());
        result.put("peer", peer);
        result.put("run", runInfo);
        result.put("steps", steps);
        result.put("warmup", warmup);
        List<Object> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-12s %6s %10s %10s %10s %10s%n", "model", "batch", "ms median", "ms min",
                "ms max", "images/s");
        for (String name : models.isEmpty() ? ReferenceModels.NAMES : models) {
            int batch = ReferenceModels.cpuBenchBatch(name);
            double[] ms = timer.time(name, batch, steps, warmup);
            double median = median(ms);
            double min = Arrays.stream(ms).min().orElseThrow();
            double max = Arrays.stream(ms).max().orElseThrow();
            System.out.printf(Locale.ROOT, "%-12s %6d %10.1f %10.1f %10.1f %10.0f%n", name, batch, median, min, max,
                    batch * 1000 / median);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", name);
            row.put("batch", batch);
            row.put("ms_per_step_median", median);
            row.put("ms_per_step_min", min);
            row.put("ms_per_step_max", max);
            row.put("images_per_s", batch * 1000 / median);
            rows.add(row);
        }
        result.put("results", rows);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, Json.write(result) + "\n");
            System.out.println("wrote " + out);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
