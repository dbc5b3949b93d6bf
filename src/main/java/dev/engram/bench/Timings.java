package dev.engram.bench;

import java.util.Arrays;

/** Median, minimum and maximum of a series of timings in milliseconds. */
public record Timings(double medianMs, double minMs, double maxMs, int count) {

    public static Timings of(double[] ms) {
        if (ms.length == 0) {
            throw new IllegalArgumentException("Timings: no timings to summarise");
        }
        double[] s = ms.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Timings(median, s[0], s[n - 1], n);
    }
}
