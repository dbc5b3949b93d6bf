package dev.engram.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link PointwiseKernel}: whole vectors, then the scalar loops for the tail. Each
 * lane does what the scalar loop does to its element (IEEE mul, add, div and sqrt round alike in
 * both), so the split point changes no bits. The ops through exp work in double vectors (the JDK's
 * vector exp, about 3.5x Math.exp's rate here) and do their tail as one masked vector, so every
 * element goes through the same exp.
 *
 * <p>Only {@link PointwiseKernel#preferred()} names this class, through {@link VectorApi}.
 */
final class VectorPointwiseKernel implements PointwiseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ScalarPointwiseKernel TAIL = new ScalarPointwiseKernel();
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats as many as D's doubles: the float side of a double computation. */
    private static final VectorSpecies<Float> H = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));

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
    public void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n) {
        int step = H.length();
        int i = 0;
        for (int end = H.loopBound(n); i < end; i += step) {
            toFloats(sigmoid(toDoubles(FloatVector.fromArray(H, x, xOff + i)))).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> tail = H.indexInRange(i, n);
            toFloats(sigmoid(toDoubles(FloatVector.fromArray(H, x, xOff + i, tail)))).intoArray(y, yOff + i, tail);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, yOff + i);
            FloatVector.fromArray(S, dy, dyOff + i).mul(s).mul(s.neg().add(1f)).intoArray(dx, dxOff + i);
        }
        TAIL.sigmoidBackward(y, yOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }

    @Override
    public void bceWithLogitsGradient(float scale, float[] x, int xOff, float[] t, int tOff, float[] d, int dOff,
                                      int n) {
        int step = H.length();
        int i = 0;
        for (int end = H.loopBound(n); i < end; i += step) {
            DoubleVector v = toDoubles(FloatVector.fromArray(H, x, xOff + i));
            DoubleVector target = toDoubles(FloatVector.fromArray(H, t, tOff + i));
            toFloats(stableSigmoid(v).sub(target).mul(scale)).intoArray(d, dOff + i);
        }
        if (i < n) {
            VectorMask<Float> tail = H.indexInRange(i, n);
            DoubleVector v = toDoubles(FloatVector.fromArray(H, x, xOff + i, tail));
            DoubleVector target = toDoubles(FloatVector.fromArray(H, t, tOff + i, tail));
            toFloats(stableSigmoid(v).sub(target).mul(scale)).intoArray(d, dOff + i, tail);
        }
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

    /** 1 / (1 + exp(-v)). */
    private static DoubleVector sigmoid(DoubleVector v) {
        return DoubleVector.broadcast(D, 1.0).div(v.neg().lanewise(VectorOperators.EXP).add(1.0));
    }

    /** 1 / (1 + e) where v &gt;= 0, e / (1 + e) elsewhere (NaN included), with e = exp(-|v|). */
    private static DoubleVector stableSigmoid(DoubleVector v) {
        DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector denominator = e.add(1.0);
        return e.div(denominator).blend(DoubleVector.broadcast(D, 1.0).div(denominator),
                v.compare(VectorOperators.GE, 0.0));
    }

    private static DoubleVector toDoubles(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector toFloats(DoubleVector v) {
        return (FloatVector) v.convertShape(VectorOperators.D2F, H, 0);
    }
}
