package dev.engram.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel: a 4 x (2 vectors) tile held in 8 vector registers, one fused
 * multiply-add per register per step of k. With AVX2 that is 8 accumulators + 2 B vectors + 1
 * broadcast = 11 of the 16 ymm registers: enough independent FMAs to hide their latency, and
 * enough spare registers that C2 never spills an accumulator (a 6-row tile, 15 registers, is
 * faster when it compiles well but C2 sometimes spills it inside the loop, at a third of the speed).
 *
 * <p>Only {@link GemmKernel#vector()} names this class, and only when the module is present.
 */
final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String name() {
        return "vector" + S.vectorBitSize();
    }

    @Override
    public void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                         float[] c, int cOff, int ldc, int rows, int cols, float[][] scratch) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = aOff + p * MR;
            int bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        // Vectors must not cross a call that C2 may not inline (they would be boxed on the heap),
        // so the full-tile update is written out here rather than in a helper.
        if (rows == MR && cols == NR) {
            int c0 = cOff;
            int c1 = cOff + ldc;
            int c2 = cOff + 2 * ldc;
            int c3 = cOff + 3 * ldc;
            if (beta == 0f) {
                c00.mul(alpha).intoArray(c, c0);
                c01.mul(alpha).intoArray(c, c0 + L);
                c10.mul(alpha).intoArray(c, c1);
                c11.mul(alpha).intoArray(c, c1 + L);
                c20.mul(alpha).intoArray(c, c2);
                c21.mul(alpha).intoArray(c, c2 + L);
                c30.mul(alpha).intoArray(c, c3);
                c31.mul(alpha).intoArray(c, c3 + L);
            } else {
                c00.mul(alpha).add(FloatVector.fromArray(S, c, c0).mul(beta)).intoArray(c, c0);
                c01.mul(alpha).add(FloatVector.fromArray(S, c, c0 + L).mul(beta)).intoArray(c, c0 + L);
                c10.mul(alpha).add(FloatVector.fromArray(S, c, c1).mul(beta)).intoArray(c, c1);
                c11.mul(alpha).add(FloatVector.fromArray(S, c, c1 + L).mul(beta)).intoArray(c, c1 + L);
                c20.mul(alpha).add(FloatVector.fromArray(S, c, c2).mul(beta)).intoArray(c, c2);
                c21.mul(alpha).add(FloatVector.fromArray(S, c, c2 + L).mul(beta)).intoArray(c, c2 + L);
                c30.mul(alpha).add(FloatVector.fromArray(S, c, c3).mul(beta)).intoArray(c, c3);
                c31.mul(alpha).add(FloatVector.fromArray(S, c, c3 + L).mul(beta)).intoArray(c, c3 + L);
            }
            return;
        }
        // A partial tile at the matrix edge: stage it, then update only the rows x cols inside C.
        c00.intoArray(scratch[0], 0);
        c01.intoArray(scratch[0], L);
        c10.intoArray(scratch[1], 0);
        c11.intoArray(scratch[1], L);
        c20.intoArray(scratch[2], 0);
        c21.intoArray(scratch[2], L);
        c30.intoArray(scratch[3], 0);
        c31.intoArray(scratch[3], L);
        ScalarGemmKernel.update(scratch, alpha, beta, c, cOff, ldc, rows, cols);
    }
}
