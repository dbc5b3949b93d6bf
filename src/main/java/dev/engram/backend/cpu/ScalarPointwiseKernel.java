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
