package dev.engram.testing;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/** Random test inputs and tolerant comparisons of float results with double references. */
public final class Numerics {
    private Numerics() {
    }

    /** n doubles uniform in [lo, hi) that are exactly representable as floats. */
    public static double[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    public static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /**
     * Passes when max |actual - expected| <= atol + rtol * max |expected|; the failure names the
     * worst element and both values.
     */
    public static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double bound = atol + rtol * maxAbs(expected);
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= worstErr) || Double.isNaN(actual[i])) {
                worstErr = Double.isNaN(actual[i]) ? Double.POSITIVE_INFINITY : err;
                worst = i;
            }
        }
        if (worst >= 0 && !(worstErr <= bound)) {
            fail(String.format("%s: element %d is %.9g, expected %.9g (error %.3g > bound %.3g = %.1g + %.1g * max|expected| %.4g)",
                    what, worst, actual[worst], expected[worst], worstErr, bound, atol, rtol, maxAbs(expected)));
        }
    }

    public static void assertClose(String what, double[] expected, float[] actual, double rtol) {
        assertClose(what, expected, actual, rtol, 0);
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
