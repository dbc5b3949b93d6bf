package dev.engram.backend.cpu;

/**
 * The portable {@link PointwiseKernel}: one element at a time. The Vector API kernel calls these
 * loops for the tails that do not fill a vector, so both compute every element alike.
 */
final class ScalarPointwiseKernel implements PointwiseKernel {
    private static final int ONE_BITS = Float.floatToRawIntBits(1f);

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f); // NaN stays NaN, as in torch.relu
        }
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            int keep = positiveMask(x[xOff + i]);
            dx[dxOff + i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[dyOff + i]) & keep);
        }
    }

    @Override
    public void leakyReluForward(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i]; // x for x > 0, slope x otherwise, without a branch
            y[yOff + i] = Math.max(v, 0f) + slope * Math.min(v, 0f);
        }
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                  int n) {
        int slopeBits = Float.floatToRawIntBits(slope);
        for (int i = 0; i < n; i++) {
            int positive = positiveMask(x[xOff + i]);
            dx[dxOff + i] = dy[dyOff + i] * Float.intBitsToFloat((ONE_BITS & positive) | (slopeBits & ~positive));
        }
    }

    @Override
    public void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) sigmoid(x[xOff + i]);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[yOff + i];
            dx[dxOff + i] = dy[dyOff + i] * s * (1f - s);
        }
    }

    @Override
    public void bceWithLogitsGradient(float scale, float[] x, int xOff, float[] t, int tOff, float[] d, int dOff,
                                      int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double e = Math.exp(-Math.abs(v));
            double sigmoid = v >= 0 ? 1 / (1 + e) : e / (1 + e);
            d[dOff + i] = (float) (scale * (sigmoid - t[tOff + i]));
        }
    }

    @Override
    public void adam(AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float gi = g[gOff + i];
            if (s.decoupled()) {
                pi *= s.decay();
            } else if (s.l2() != 0f) {
                gi += s.l2() * pi;
            }
            float mi = s.beta1() * m[mOff + i] + s.oneMinusBeta1() * gi;
            float vi = s.beta2() * v[vOff + i] + s.oneMinusBeta2() * gi * gi;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / s.biasCorrection2Sqrt() + s.eps();
            p[pOff + i] = pi - s.stepSize() * mi / denom;
        }
    }

    // Four partial sums: one chain of dependent double adds would bound each loop by the latency
    // of one add (about 2.5x slower).

    @Override
    public double sum(float[] a, int from, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int end = from + n;
        int i = from;
        for (; i + 3 < end; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < end; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double squaredDeviations(float[] a, int from, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int end = from + n;
        int i = from;
        for (; i + 3 < end; i += 4) {
            double d0 = a[i] - mean;
            double d1 = a[i + 1] - mean;
            double d2 = a[i + 2] - mean;
            double d3 = a[i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < end; i++) {
            double d = a[i] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double productWithDeviations(float[] g, int gFrom, float[] x, int xFrom, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += g[gFrom + i] * (x[xFrom + i] - mean);
            s1 += g[gFrom + i + 1] * (x[xFrom + i + 1] - mean);
            s2 += g[gFrom + i + 2] * (x[xFrom + i + 2] - mean);
            s3 += g[gFrom + i + 3] * (x[xFrom + i + 3] - mean);
        }
        for (; i < n; i++) {
            s0 += g[gFrom + i] * (x[xFrom + i] - mean);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "scalar";
    }

    /** 1 / (1 + e^-x): exp overflows to infinity for very negative x and the result is a clean 0. */
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** All ones when 0 &lt; x &lt;= +inf, else zero (NaN and both zeros included). */
    private static int positiveMask(float x) {
        int bits = Float.floatToRawIntBits(x);
        // -bits and bits - 0x7F800001 are both negative exactly when 0 < bits <= 0x7F800000 (+inf).
        return (-bits & (bits - 0x7F800001)) >> 31;
    }
}
