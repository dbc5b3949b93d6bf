package dev.engram.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link PointwiseKernel}: whole vectors, then the scalar loops for the tail. Each
 * lane does what the scalar loop does to its element (IEEE mul, add, div and sqrt round alike in
 * both), so the split point changes no bits. The ops through exp work in double vectors (the JDK's
 * vector exp; with two exp calls per float vector, about 2.2x Math.exp's rate here) and do their
 * tail as one masked vector, so every element goes through the same exp.
 *
 * <p>Every float vector here has the one shape S that the GEMM and convolution kernels use too, the
 * doubles taken as halves of it: with a second float shape in the process (a 128-bit species for
 * the double halves), the JDK's shared FloatVector code saw two vector classes, its type profiles
 * went bimorphic, and C2 then boxed the convolution tiles' vectors (conv-ae's step 1.6x slower
 * whenever dense-ae had run first; bench/NOTES.md).
 *
 * <p>Only {@link PointwiseKernel#preferred()} names this class, through {@link VectorApi}.
 */
final class VectorPointwiseKernel implements PointwiseKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ScalarPointwiseKernel TAIL = new ScalarPointwiseKernel();
    /** Doubles of S's bit size: half an S vector's lanes each. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    /** Lanes L/2 to L - 1 of S, where the upper double half goes back. */
    private static final VectorMask<Float> UPPER = S.indexInRange(-L / 2, L / 2);

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
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            toFloats(sigmoid(lower(v)), sigmoid(upper(v))).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> tail = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, tail);
            toFloats(sigmoid(lower(v)), sigmoid(upper(v))).intoArray(y, yOff + i, tail);
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
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector target = FloatVector.fromArray(S, t, tOff + i);
            toFloats(bceGradient(scale, lower(v), lower(target)), bceGradient(scale, upper(v), upper(target)))
                    .intoArray(d, dOff + i);
        }
        if (i < n) {
            VectorMask<Float> tail = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, tail);
            FloatVector target = FloatVector.fromArray(S, t, tOff + i, tail);
            toFloats(bceGradient(scale, lower(v), lower(target)), bceGradient(scale, upper(v), upper(target)))
                    .intoArray(d, dOff + i, tail);
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

    // The sums keep two double vectors of partial sums (a float vector's two halves), enough to
    // outrun memory; a loop body of more vectors outgrew what C2 inlines, and its vectors were
    // boxed (batch norm's backward ran at half the scalar loops' speed). The lanes are added in
    // lane order at the end, since reduceLanes leaves the order of floating-point adds open.

    @Override
    public double sum(float[] x, int off, int n) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            s0 = s0.add(lower(v));
            s1 = s1.add(upper(v));
        }
        return inLaneOrder(s0.add(s1)) + TAIL.sum(x, off + i, n - i);
    }

    @Override
    public double squaredDeviations(float[] x, int off, int n, double mean) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            DoubleVector d0 = lower(v).sub(mean);
            DoubleVector d1 = upper(v).sub(mean);
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
        }
        return inLaneOrder(s0.add(s1)) + TAIL.squaredDeviations(x, off + i, n - i, mean);
    }

    @Override
    public double productWithDeviations(float[] g, int gOff, float[] x, int xOff, int n, double mean) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            s0 = s0.add(lower(gv).mul(lower(v).sub(mean)));
            s1 = s1.add(upper(gv).mul(upper(v).sub(mean)));
        }
        return inLaneOrder(s0.add(s1)) + TAIL.productWithDeviations(g, gOff + i, x, xOff + i, n - i, mean);
    }

    /** v's lanes added from lane 0 up. */
    private static double inLaneOrder(DoubleVector v) {
        double s = 0;
        for (int j = 0; j < D.length(); j++) {
            s += v.lane(j);
        }
        return s;
    }

    /** scale * (sigmoid(v) - target). */
    private static DoubleVector bceGradient(float scale, DoubleVector v, DoubleVector target) {
        return stableSigmoid(v).sub(target).mul(scale);
    }

    /** The lower half of v's lanes in doubles. */
    private static DoubleVector lower(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    /** The upper half of v's lanes in doubles. */
    private static DoubleVector upper(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** Two halves back in one float vector of S. */
    private static FloatVector toFloats(DoubleVector lower, DoubleVector upper) {
        FloatVector low = (FloatVector) lower.convertShape(VectorOperators.D2F, S, 0);
        return low.blend((FloatVector) upper.convertShape(VectorOperators.D2F, S, -1), UPPER);
    }
}
