package dev.engram.train;

import java.util.Arrays;

/**
 * Reconstruction quality of one image against its original, both NCHW floats in [0, 1] (data
 * range 1), computed in double:
 *
 * <ul>
 *   <li>MSE: the mean of squared differences over every pixel and channel.
 *   <li>PSNR: 10 log10(1 / MSE) in dB, +infinity for identical images (as skimage).
 *   <li>SSIM: Wang et al. 2004 with skimage's structural_similarity(gaussian_weights=True,
 *       sigma=1.5, use_sample_covariance=False, data_range=1): an 11x11 Gaussian window (sigma 1.5,
 *       truncated at radius 5 and normalised), K1 = 0.01, K2 = 0.03, the SSIM map taken over the
 *       valid region (windows wholly inside the image), averaged; per channel, then the mean over
 *       channels. Images need at least 11x11 pixels.
 * </ul>
 * Data-set figures average these per image (so PSNR is the mean of per-image PSNRs).
 */
public final class ImageMetrics {
    public static final int SSIM_WINDOW = 11;
    static final double SSIM_SIGMA = 1.5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;
    private static final double[] GAUSSIAN = gaussian();

    private ImageMetrics() {
    }

    private static double[] gaussian() {
        double[] g = new double[SSIM_WINDOW];
        int r = SSIM_WINDOW / 2;
        double sum = 0;
        for (int i = 0; i < SSIM_WINDOW; i++) {
            g[i] = Math.exp(-(i - r) * (i - r) / (2 * SSIM_SIGMA * SSIM_SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < SSIM_WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /** MSE of the {@code length} values of x and y starting at {@code offset}. */
    public static double mse(float[] x, float[] y, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            double d = (double) x[i] - y[i];
            sum += d * d;
        }
        return sum / length;
    }

    /** PSNR in dB for data range 1. */
    public static double psnr(double mse) {
        return 10 * Math.log10(1 / mse);
    }

    /** SSIM of one CxHxW image of x against the one of y, both starting at {@code offset}. */
    public static double ssim(float[] x, float[] y, int offset, int channels, int height, int width) {
        if (height < SSIM_WINDOW || width < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM: images of " + height + "x" + width + " are smaller than the "
                    + SSIM_WINDOW + "x" + SSIM_WINDOW + " window");
        }
        double sum = 0;
        for (int c = 0; c < channels; c++) {
            sum += ssimPlane(x, y, offset + c * height * width, height, width);
        }
        return sum / channels;
    }

    private static double ssimPlane(float[] x, float[] y, int offset, int h, int w) {
        int oh = h - SSIM_WINDOW + 1;
        int ow = w - SSIM_WINDOW + 1;
        // Horizontal pass over all rows for the five moments, then vertical over the valid columns.
        double[][] rows = new double[5][h * ow];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < ow; j++) {
                double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                for (int k = 0; k < SSIM_WINDOW; k++) {
                    double g = GAUSSIAN[k];
                    double a = x[offset + i * w + j + k];
                    double b = y[offset + i * w + j + k];
                    mx += g * a;
                    my += g * b;
                    mxx += g * a * a;
                    myy += g * b * b;
                    mxy += g * a * b;
                }
                int at = i * ow + j;
                rows[0][at] = mx;
                rows[1][at] = my;
                rows[2][at] = mxx;
                rows[3][at] = myy;
                rows[4][at] = mxy;
            }
        }
        double total = 0;
        double[] m = new double[5];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                Arrays.fill(m, 0);
                for (int k = 0; k < SSIM_WINDOW; k++) {
                    double g = GAUSSIAN[k];
                    int at = (i + k) * ow + j;
                    for (int q = 0; q < 5; q++) {
                        m[q] += g * rows[q][at];
                    }
                }
                double vx = m[2] - m[0] * m[0];
                double vy = m[3] - m[1] * m[1];
                double cxy = m[4] - m[0] * m[1];
                total += (2 * m[0] * m[1] + C1) * (2 * cxy + C2) / ((m[0] * m[0] + m[1] * m[1] + C1) * (vx + vy + C2));
            }
        }
        return total / ((double) oh * ow);
    }
}
