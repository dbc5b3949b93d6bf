package dev.engram.testing;

import java.util.function.ToDoubleFunction;

/** Central finite differences of a double-precision function: the float64 reference for backward passes. */
public final class GradCheck {
    /** Step of the central differences; with double references the error is about 1e-10. */
    public static final double STEP = 1e-6;

    private GradCheck() {
    }

    /** d f / d v at v, perturbing v in place and restoring it. */
    public static double[] numericGradient(ToDoubleFunction<double[]> f, double[] v) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            double h = STEP * Math.max(1.0, Math.abs(keep));
            v[i] = keep + h;
            double plus = f.applyAsDouble(v);
            v[i] = keep - h;
            double minus = f.applyAsDouble(v);
            v[i] = keep;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }
}
