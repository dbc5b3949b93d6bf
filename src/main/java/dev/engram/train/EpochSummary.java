package dev.engram.train;

import dev.engram.io.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one epoch did: one line of metrics.jsonl. The loss maps hold "loss" (the total) and each
 * named term, averaged over the epoch's images; {@code validation} is empty without validation.
 *
 * @param epoch the epoch, counting from 1
 * @param step optimizer steps taken by its end
 * @param learningRate the rate the epoch trained with
 * @param imagesPerSecond training throughput of the epoch (steps only, not validation)
 * @param seconds wall time of the epoch, validation included
 */
public record EpochSummary(int epoch, long step, float learningRate, Map<String, Double> train,
                           Map<String, Double> validation, double imagesPerSecond, double seconds) {
    private static final Set<String> FIELDS = Set.of("epoch", "step", "lr", "train", "val", "images_per_s", "seconds");

    public EpochSummary {
        train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
        validation = Collections.unmodifiableMap(new LinkedHashMap<>(validation));
    }

    public double trainLoss() {
        return train.get("loss");
    }

    /** The validation loss, or NaN without validation. */
    public double validationLoss() {
        return validation.isEmpty() ? Double.NaN : validation.get("loss");
    }

    /** One line of JSON, without a newline. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epoch", epoch);
        out.put("step", step);
        out.put("lr", learningRate);
        out.put("train", finite(train));
        out.put("val", finite(validation));
        out.put("images_per_s", imagesPerSecond);
        out.put("seconds", seconds);
        return Json.write(out);
    }

    /** A diverged loss is written as null: JSON has no NaN or infinity. */
    private static Map<String, Object> finite(Map<String, Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, Double.isFinite(v) ? v : null));
        return out;
    }

    public static EpochSummary fromJson(String line, String source) {
        JsonFields f = JsonFields.parse(line, source, FIELDS);
        return new EpochSummary(f.int32("epoch"), f.integer("step"), f.float32("lr"), losses(f.raw("train"), source),
                losses(f.raw("val"), source), f.number("images_per_s"), f.number("seconds"));
    }

    private static Map<String, Double> losses(Object raw, String source) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(source + ": losses must be a JSON object, found " + Json.write(raw));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v == null ? Double.NaN : ((Number) v).doubleValue()));
        return out;
    }
}
