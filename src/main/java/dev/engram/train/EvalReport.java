package dev.engram.train;

import dev.engram.io.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's figures on a data set: reconstruction MSE, PSNR (dB) and SSIM, each the mean over
 * images (see {@link ImageMetrics}; SSIM is NaN for images under 11x11), and the mean of every
 * loss term of the model's objective ("loss" is the total; "neg_elbo" = reconstruction + kl is
 * added when the model reports both, as a VAE does).
 */
public record EvalReport(int images, double mse, double psnr, double ssim, Map<String, Double> losses) {
    public EvalReport {
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }

    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", images);
        out.put("mse", finiteOrNull(mse));
        out.put("psnr", finiteOrNull(psnr));
        out.put("ssim", finiteOrNull(ssim));
        Map<String, Object> l = new LinkedHashMap<>();
        losses.forEach((k, v) -> l.put(k, finiteOrNull(v)));
        out.put("losses", l);
        return Json.write(out);
    }

    /** JSON has no NaN or infinity (PSNR of a perfect reconstruction): they are written as null. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
