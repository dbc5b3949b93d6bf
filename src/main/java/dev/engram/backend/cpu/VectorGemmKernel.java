package dev.engram.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel: a 6 x (2 vectors) tile held in 12 vector registers, one fused
 * multiply-add per register per step of k. With AVX2 that is 12 accumulators + 2 B vectors + 1
 * broadcast = 15 of the 16 ymm registers: each pair of B loads feeds 12 FMAs (8 with a 4-row
 * tile), which measured 1.08-1.14x faster on GEMMs with 128 rows and more and even on fewer
 * (bench/NOTES.md). A full tile with beta = 0 (the first k block) is stored straight from the
 * registers; any other tile is staged in the thread's scratch rows and updated from there, which
 * keeps the epilogue from needing registers beyond the 16 (C2 spilled the accumulators of an
 * earlier 6-row kernel whose beta path loaded C in registers).
 *
 * <p>Only {@link GemmKernel#vector()} names this class, through {@link VectorApi}.
 */
final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 6;
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
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
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
            av = FloatVector.broadcast(S, a[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Vectors must not cross a call that C2 may not inline (they would be boxed on the heap),
        // so the tile is written out here rather than in a helper.
        if (rows == MR && cols == NR && beta == 0f) {
            c00.mul(alpha).intoArray(c, cOff);
            c01.mul(alpha).intoArray(c, cOff + L);
            c10.mul(alpha).intoArray(c, cOff + ldc);
            c11.mul(alpha).intoArray(c, cOff + ldc + L);
            c20.mul(alpha).intoArray(c, cOff + 2 * ldc);
            c21.mul(alpha).intoArray(c, cOff + 2 * ldc + L);
            c30.mul(alpha).intoArray(c, cOff + 3 * ldc);
            c31.mul(alpha).intoArray(c, cOff + 3 * ldc + L);
            c40.mul(alpha).intoArray(c, cOff + 4 * ldc);
            c41.mul(alpha).intoArray(c, cOff + 4 * ldc + L);
            c50.mul(alpha).intoArray(c, cOff + 5 * ldc);
            c51.mul(alpha).intoArray(c, cOff + 5 * ldc + L);
            return;
        }
        // A partial tile at the matrix edge, or one that adds to C: stage it, then update C.
        c00.intoArray(scratch[0], 0);
        c01.intoArray(scratch[0], L);
        c10.intoArray(scratch[1], 0);
        c11.intoArray(scratch[1], L);
        c20.intoArray(scratch[2], 0);
        c21.intoArray(scratch[2], L);
        c30.intoArray(scratch[3], 0);
        c31.intoArray(scratch[3], L);
        c40.intoArray(scratch[4], 0);
        c41.intoArray(scratch[4], L);
        c50.intoArray(scratch[5], 0);
        c51.intoArray(scratch[5], L);
        if (rows == MR && cols == NR) {
            addFullTile(scratch, alpha, beta, c, cOff, ldc);
        } else {
            ScalarGemmKernel.update(scratch, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /**
     * C = alpha * tile + beta * C over a whole tile (beta != 0: later k blocks), in vectors: the
     * scalar loop cost 8% of a dense-ae step. Separate multiplies and an add, as the scalar update
     * does, so edge and inner tiles round alike.
     */
    private static void addFullTile(float[][] tile, float alpha, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < MR; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < NR; j += L) {
                FloatVector old = FloatVector.fromArray(S, c, ci + j);
                FloatVector.fromArray(S, tile[i], j).mul(alpha).add(old.mul(beta)).intoArray(c, ci + j);
            }
        }
    }
}
