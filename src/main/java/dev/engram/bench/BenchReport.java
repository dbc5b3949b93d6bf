package dev.engram.bench;

import dev.engram.io.Json;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one {@code engram bench} run: a table for the screen and a JSON document in the
 * schema bench/pytorch/bench.py writes too, so that bench/compare.py can read both:
 *
 * <pre>
 * {"schema": 1, "engine": "engram", "label": {date, machine, cores, load_average, runtime, device, ...},
 *  "timing": how step times were taken, "results": [
 *    {"model", "mode", "batch", "steps", "warmup", "parameters", "step_ms": {"median", "min", "max"},
 *     "train_images_per_s", "inference_images_per_s", "peak_memory_bytes", "peak_memory", "backend_bytes",
 *     "error"}, ...]}
 * </pre>
 * A model that failed has its error and null figures.
 */
public final class BenchReport {
    public static final int SCHEMA = 1;

    private final Map<String, Object> label;
    private final String timing;
    private final String mode;
    private final int steps;
    private final int warmup;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private int failures;

    /**
     * A report for runs in {@code mode} (the precision the backend computes in, "fp32" or "tf32":
     * the PyTorch modes it is compared with), labelled with {@code label}.
     */
    public BenchReport(Map<String, Object> label, String timing, String mode, int steps, int warmup) {
        this.label = new LinkedHashMap<>(label);
        this.timing = timing;
        this.mode = mode;
        this.steps = steps;
        this.warmup = warmup;
    }

    /** Adds to the label what is known only at the end, such as the load average after the run. */
    public void putLabel(String key, Object value) {
        label.put(key, value);
    }

    public void add(String model, int batch, ModelBench.Figures f) {
        Map<String, Object> r = row(model, batch);
        r.put("parameters", f.parameters());
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("median", round(f.step().medianMs()));
        step.put("min", round(f.step().minMs()));
        step.put("max", round(f.step().maxMs()));
        r.put("step_ms", step);
        r.put("train_images_per_s", round(f.trainImagesPerSecond()));
        r.put("inference_images_per_s", round(f.inferenceImagesPerSecond()));
        r.put("peak_memory_bytes", f.peakMemoryBytes());
        r.put("peak_memory", f.peakMemoryKind());
        r.put("backend_bytes", f.backendBytes());
        r.put("error", null);
        results.add(r);
    }

    public void addFailure(String model, int batch, String error) {
        Map<String, Object> r = row(model, batch);
        for (String field : new String[] {"parameters", "step_ms", "train_images_per_s", "inference_images_per_s",
                "peak_memory_bytes", "peak_memory", "backend_bytes"}) {
            r.put(field, null);
        }
        r.put("error", error);
        results.add(r);
        failures++;
    }

    public int failures() {
        return failures;
    }

    private Map<String, Object> row(String model, int batch) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("mode", mode);
        r.put("batch", batch);
        r.put("steps", steps);
        r.put("warmup", warmup);
        return r;
    }

    public String toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("engine", "engram");
        doc.put("label", label);
        doc.put("timing", timing);
        doc.put("results", results);
        // One result a line: diffs of committed results stay readable.
        String json = Json.write(doc);
        return json.replace("{\"model\":", "\n  {\"model\":") + "\n";
    }

    /** The results as a table, one model a line, failures with their reason. */
    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "%-12s %-5s %6s %10s %9s %9s %12s %12s %10s%n", "model", "mode", "batch", "ms/step",
                "min", "max", "train img/s", "infer img/s", "peak MiB");
        for (Map<String, Object> r : results) {
            if (r.get("error") != null) {
                out.printf(Locale.ROOT, "%-12s %-5s %6d failed: %s%n", r.get("model"), r.get("mode"), r.get("batch"),
                        r.get("error"));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> step = (Map<String, Object>) r.get("step_ms");
            out.printf(Locale.ROOT, "%-12s %-5s %6d %10.2f %9.2f %9.2f %12.0f %12.0f %10.1f%n", r.get("model"),
                    r.get("mode"), r.get("batch"), step.get("median"), step.get("min"), step.get("max"),
                    r.get("train_images_per_s"), r.get("inference_images_per_s"),
                    ((Long) r.get("peak_memory_bytes")) / (double) (1L << 20));
        }
        out.println("timing: " + timing);
    }

    /** Three decimals: the figures are not more precise than that, and the JSON stays short. */
    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
