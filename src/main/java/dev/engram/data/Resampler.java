package dev.engram.data;

/**
 * Resizes image planes by separable filtering: area averaging when shrinking (each output pixel is
 * the mean of the source area it covers, so thin lines and noise do not alias), bilinear when
 * enlarging (PyTorch's align_corners=False pixel centres). Written out rather than left to Java2D
 * so the result is exact, the same on every JDK, and testable against hand-computed values.
 */
final class Resampler {
    /** For each output pixel: the first source pixel it reads and the weights of consecutive pixels. */
    record Taps(int[] first, double[][] weights) {
    }

    private Resampler() {
    }

    /**
     * Taps that scale {@code in} pixels to {@code resized} pixels and keep outputs
     * {@code [offset, offset + count)} of the result (a centre crop needs only those).
     */
    static Taps taps(int in, int resized, int offset, int count) {
        int[] first = new int[count];
        double[][] weights = new double[count][];
        double scale = (double) in / resized; // source pixels per output pixel
        for (int j = 0; j < count; j++) {
            int p = offset + j;
            if (resized <= in) {
                double lo = p * scale;
                double hi = (p + 1) * scale;
                int a = (int) Math.floor(lo);
                int b = Math.min(in, (int) Math.ceil(hi));
                double[] w = new double[b - a];
                for (int i = a; i < b; i++) {
                    w[i - a] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
                }
                first[j] = a;
                weights[j] = w;
            } else {
                double centre = Math.max(0, (p + 0.5) * scale - 0.5);
                int a = Math.min((int) centre, in - 1);
                double frac = centre - a;
                if (a + 1 < in) {
                    first[j] = a;
                    weights[j] = new double[] {1 - frac, frac};
                } else {
                    first[j] = in - 1;
                    weights[j] = new double[] {1};
                }
            }
        }
        return new Taps(first, weights);
    }

    /**
     * Applies horizontal then vertical taps to one plane.
     *
     * @param src holds at {@code srcOffset} a plane of {@code srcH} rows by {@code srcW} columns
     * @param dst written at {@code dstOffset}, {@code rows.first.length} rows by {@code cols.first.length}
     */
    static void apply(float[] src, int srcOffset, int srcH, int srcW, Taps rows, Taps cols, float[] dst, int dstOffset) {
        int outW = cols.first.length;
        int outH = rows.first.length;
        double[] horizontal = new double[srcH * outW];
        for (int y = 0; y < srcH; y++) {
            for (int x = 0; x < outW; x++) {
                double[] w = cols.weights[x];
                int base = srcOffset + y * srcW + cols.first[x];
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * src[base + k];
                }
                horizontal[y * outW + x] = sum;
            }
        }
        for (int y = 0; y < outH; y++) {
            double[] w = rows.weights[y];
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * horizontal[(rows.first[y] + k) * outW + x];
                }
                // Weights sum to 1, so only rounding can step outside [0, 1].
                dst[dstOffset + y * outW + x] = (float) Math.min(1, Math.max(0, sum));
            }
        }
    }
}
