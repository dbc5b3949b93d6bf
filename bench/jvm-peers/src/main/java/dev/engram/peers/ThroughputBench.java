package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
 * Milliseconds per training step (forward, loss, backward, Adam) of the reference models on DJL
 * with libtorch on the CPU: median over the timed steps after warm-up, on uniform noise in [0, 1]
 * of the model's input shape, at the batch of engram's CPU bench. Usage:
 * {@code ThroughputBench [--steps 20] [--warmup 5] [--out file.json] [model ...]}.
 */
public final class ThroughputBench {
    private ThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        int steps = 20, warmup = 5;
        Path out = null;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> models.add(args[i]);
            }
        }
        if (models.isEmpty()) {
            models.addAll(ReferenceModels.NAMES);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", LocalDate.now().toString());
        result.put("peer", "DJL + libtorch (CPU)");
        result.put("run", RunInfo.djl());
        result.put("steps", steps);
        result.put("warmup", warmup);
        List<Object> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-12s %6s %10s %10s %10s %10s%n", "model", "batch", "ms median", "ms min",
                "ms max", "images/s");
        for (String name : models) {
            int batch = ReferenceModels.cpuBenchBatch(name);
            double[] ms = time(name, batch, steps, warmup);
            double median = median(ms);
            double min = Arrays.stream(ms).min().orElseThrow(), max = Arrays.stream(ms).max().orElseThrow();
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

    /** Times {@code steps} training steps after {@code warmup} untimed ones; returns ms per step. */
    static double[] time(String name, int batch, int steps, int warmup) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            PeerModel model = ReferenceModels.create(name, manager, 1);
            AdamTrainer trainer = new AdamTrainer(model);
            NDArray x = manager.randomUniform(0, 1, model.inputShape(batch));
            double[] ms = new double[steps];
            for (int i = -warmup; i < steps; i++) {
                long t0 = System.nanoTime();
                trainer.step(x);  // reads the loss back, so the step has finished
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            return ms;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
