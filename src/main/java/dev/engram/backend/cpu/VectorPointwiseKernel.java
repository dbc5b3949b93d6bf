package dev.engram.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link PointwiseKernel}: whole vectors, then the scalar loops for the tail. Each
 * lane does what the scalar loop does to its element (IEEE mul, add, div and sqrt round alike in
 * both), so the split point changes no bits.
 *
 * <p>Only {@link PointwiseKernel#preferred()} names this class, through {@link VectorApi}.
 */
final class VectorPointwiseKernel implements PointwiseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ScalarPointwiseKernel TAIL = new ScalarPointwiseKernel();

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).max(0f).intoArray(y, yOff + i);
        }
        TAIL.reluForward(x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, dyOff + i), positive).intoArray(dx, dxOff + i);
        }
        TAIL.reluBackward(x, xOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }

    @Override
    public void leakyReluForward(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.max(0f).add(v.min(0f).mul(slope)).intoArray(y, yOff + i);
        }
        TAIL.leakyReluForward(slope, x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                  int n) {
        FloatVector slopes = FloatVector.broadcast(S, slope);
        FloatVector ones = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dy, dyOff + i).mul(slopes.blend(ones, positive)).intoArray(dx, dxOff + i);
        }
        TAIL.leakyReluBackward(slope, x, xOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }

    @Override
    public void adam(AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n) {
        boolean decoupled = s.decoupled();
        boolean l2 = !decoupled && s.l2() != 0f;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector pi = FloatVector.fromArray(S, p, pOff + i);
            FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
            if (decoupled) {
                pi = pi.mul(s.decay());
            } else if (l2) {
                gi = gi.add(pi.mul(s.l2()));
            }
            FloatVector mi = FloatVector.fromArray(S, m, mOff + i).mul(s.beta1()).add(gi.mul(s.oneMinusBeta1()));
            FloatVector vi = FloatVector.fromArray(S, v, vOff + i).mul(s.beta2()).add(gi.mul(s.oneMinusBeta2()).mul(gi));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector denom = vi.sqrt().div(s.biasCorrection2Sqrt()).add(s.eps());
            pi.sub(mi.mul(s.stepSize()).div(denom)).intoArray(p, pOff + i);
        }
        TAIL.adam(s, p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i);
    }

    @Override
    public String name() {
        return "vector" + S.vectorBitSize();
    }
}
