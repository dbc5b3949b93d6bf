package dev.engram.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResamplerTest {
    @Test
    void shrinkingAveragesTheCoveredArea() {
        // 3 -> 2: output 0 covers source [0, 1.5), output 1 covers [1.5, 3).
        Resampler.Taps t = Resampler.taps(3, 2, 0, 2);
        assertArrayEquals(new int[] {0, 1}, t.first());
        assertArrayEquals(new double[] {1 / 1.5, 0.5 / 1.5}, t.weights()[0], 1e-12);
        assertArrayEquals(new double[] {0.5 / 1.5, 1 / 1.5}, t.weights()[1], 1e-12);
        Resampler.Taps same = Resampler.taps(4, 4, 0, 4);
        for (int j = 0; j < 4; j++) {
            assertEquals(j, same.first()[j]);
            assertArrayEquals(new double[] {1}, same.weights()[j], 1e-12, "equal sizes copy");
        }
    }

    @Test
    void enlargingInterpolatesBetweenPixelCentres() {
        // 2 -> 4 with align_corners=False: source positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (last pixel).
        float[] src = {0.2f, 1.0f};
        Resampler.Taps t = Resampler.taps(2, 4, 0, 4);
        Resampler.Taps one = Resampler.taps(1, 1, 0, 1);
        float[] out = new float[4];
        Resampler.apply(src, 0, 1, 2, one, t, out, 0);
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.8f, 1.0f}, out, 1e-6f);
    }

    @Test
    void aCroppedShrinkMatchesTheAreaMeanOfEachOutputRectangle() {
        int h = 5;
        int w = 7;
        float[] src = new float[2 + h * w];
        for (int i = 0; i < src.length; i++) {
            src[i] = (i * 7919 % 101) / 100f;
        }
        // Resize 5x7 to 3x4, keep rows [0, 3) and columns [1, 3).
        float[] out = new float[2 * 3 * 2];
        Resampler.apply(src, 2, h, w, Resampler.taps(h, 3, 0, 3), Resampler.taps(w, 4, 1, 2), out, 6);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                // Independent reference: integrate the piecewise-constant source over the output's rectangle.
                double y0 = y * h / 3.0;
                double y1 = (y + 1) * h / 3.0;
                double x0 = (x + 1) * w / 4.0;
                double x1 = (x + 2) * w / 4.0;
                double sum = 0;
                for (int sy = 0; sy < h; sy++) {
                    for (int sx = 0; sx < w; sx++) {
                        double oy = Math.max(0, Math.min(y1, sy + 1) - Math.max(y0, sy));
                        double ox = Math.max(0, Math.min(x1, sx + 1) - Math.max(x0, sx));
                        sum += oy * ox * src[2 + sy * w + sx];
                    }
                }
                assertEquals(sum / ((y1 - y0) * (x1 - x0)), out[6 + y * 2 + x], 1e-6, "output " + y + "," + x);
            }
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(0f, out[i], "nothing is written before the offset");
        }
    }

    @Test
    void weightsAlwaysSumToOne() {
        for (int in = 1; in <= 40; in += 3) {
            for (int out = 1; out <= 40; out += 4) {
                Resampler.Taps t = Resampler.taps(in, out, 0, out);
                for (int j = 0; j < out; j++) {
                    double sum = 0;
                    for (double w : t.weights()[j]) {
                        sum += w;
                    }
                    assertEquals(1.0, sum, 1e-9, in + " -> " + out + " output " + j);
                    assertEquals(true, t.first()[j] >= 0 && t.first()[j] + t.weights()[j].length <= in, "taps stay inside");
                }
            }
        }
    }
}
