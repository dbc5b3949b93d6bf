package dev.engram.train;

import dev.engram.testing.Numerics;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageMetricsTest {
    private static final double C1 = 1e-4;
    private static final double C2 = 9e-4;

    @Test
    void mseAndPsnrOfAConstantDifference() {
        float[] x = new float[] {9, 0.5f, 0.5f, 0.5f, 0.5f};
        float[] y = new float[] {9, 0.25f, 0.25f, 0.75f, 0.75f};
        assertEquals(0.0625, ImageMetrics.mse(x, y, 1, 4), 0);
        assertEquals(10 * Math.log10(16), ImageMetrics.psnr(0.0625), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(ImageMetrics.mse(x, x, 0, 5)));
    }

    @Test
    void ssimOfTwoFlatImagesIsTheLuminanceTermAlone() {
        // Flat images have no variance: SSIM = (2ab + C1) / (a^2 + b^2 + C1) everywhere.
        float[] x = filled(2 * 12 * 14, 0.6f);
        float[] y = filled(2 * 12 * 14, 0.2f);
        double expected = (2 * 0.6 * 0.2 + C1) / (0.36 + 0.04 + C1);
        assertEquals(expected, ImageMetrics.ssim(x, y, 0, 2, 12, 14), 1e-7);
    }

    @Test
    void ssimMatchesAWindowByWindowReference() {
        int c = 2, h = 13, w = 15;
        float[] x = Numerics.toFloat(Numerics.uniform(1, c * h * w + 3, 0, 1));
        float[] y = new float[x.length];
        double[] noise = Numerics.uniform(2, x.length, -0.2, 0.2);
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.min(1, Math.max(0, 0.8 * x[i] + 0.1 + noise[i]));
        }
        assertEquals(reference(x, y, 3, c, h, w), ImageMetrics.ssim(x, y, 3, c, h, w), 1e-12);
    }

    @Test
    void ssimIsOneForIdenticalImagesSymmetricAndFallsWithNoise() {
        float[] x = Numerics.toFloat(Numerics.uniform(3, 3 * 16 * 16, 0, 1));
        assertEquals(1.0, ImageMetrics.ssim(x, x, 0, 3, 16, 16), 1e-12);
        double previous = 1;
        for (double amount : new double[] {0.05, 0.2, 0.5}) {
            float[] y = x.clone();
            double[] noise = Numerics.uniform(4, y.length, -amount, amount);
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) Math.min(1, Math.max(0, y[i] + noise[i]));
            }
            double s = ImageMetrics.ssim(x, y, 0, 3, 16, 16);
            assertEquals(s, ImageMetrics.ssim(y, x, 0, 3, 16, 16), 1e-12, "symmetric");
            assertTrue(s < previous, amount + ": " + s + " after " + previous);
            previous = s;
        }
    }

    @Test
    void ssimRefusesImagesSmallerThanTheWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageMetrics.ssim(new float[100], new float[100], 0, 1, 10, 10));
        assertTrue(e.getMessage().contains("10x10 are smaller than the 11x11 window"), e.getMessage());
    }

    /** Straight from the definition: a 2-D Gaussian window at every valid position, population moments. */
    static double reference(float[] x, float[] y, int offset, int channels, int h, int w) {
        double[][] g = new double[11][11];
        double norm = 0;
        for (int i = 0; i < 11; i++) {
            for (int j = 0; j < 11; j++) {
                g[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
                norm += g[i][j];
            }
        }
        double total = 0;
        for (int c = 0; c < channels; c++) {
            int base = offset + c * h * w;
            double mapSum = 0;
            for (int i = 0; i + 11 <= h; i++) {
                for (int j = 0; j + 11 <= w; j++) {
                    double ux = 0, uy = 0, xx = 0, yy = 0, xy = 0;
                    for (int a = 0; a < 11; a++) {
                        for (int b = 0; b < 11; b++) {
                            double wt = g[a][b] / norm;
                            double p = x[base + (i + a) * w + j + b];
                            double q = y[base + (i + a) * w + j + b];
                            ux += wt * p;
                            uy += wt * q;
                            xx += wt * p * p;
                            yy += wt * q * q;
                            xy += wt * p * q;
                        }
                    }
                    double vx = xx - ux * ux, vy = yy - uy * uy, cov = xy - ux * uy;
                    mapSum += (2 * ux * uy + C1) * (2 * cov + C2) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
                }
            }
            total += mapSum / ((h - 10) * (w - 10));
        }
        return total / channels;
    }

    private static float[] filled(int n, float v) {
        float[] out = new float[n];
        Arrays.fill(out, v);
        return out;
    }
}
