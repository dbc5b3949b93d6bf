package dev.engram.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Means of named losses over batches, weighted by batch size, accumulated in double. */
final class LossAverage {
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private long images;

    void add(Map<String, Float> losses, int count) {
        losses.forEach((name, v) -> sums.merge(name, (double) v * count, Double::sum));
        images += count;
    }

    long images() {
        return images;
    }

    Map<String, Double> means() {
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((name, sum) -> out.put(name, sum / images));
        return out;
    }
}
