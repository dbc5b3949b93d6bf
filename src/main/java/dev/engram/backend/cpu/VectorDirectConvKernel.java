package dev.engram.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectConvKernel} on the Vector API: 6 x (2 vectors) accumulators, 12 of the 16 ymm
 * registers with AVX2, one fused multiply-add each per pair of lane loads, as in
 * {@link VectorGemmKernel}. The six row indices are kept in locals so each term's scalar loads are
 * plain base + offset. One flat loop over the terms, and the tile stored from the registers here
 * rather than through a helper: C2 kept the accumulators boxed in a nested loop, and vectors passed
 * to a call were boxed too (each at a third to a half of this speed). Only
 * {@link DirectConvKernel#vector()} names this class.
 */
final class VectorDirectConvKernel implements DirectConvKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public int width() {
        return 2 * L;
    }

    @Override
    public void multiply(float[] a, int[] aBase, int[] aOffsets, float[] b, int bOff, int[] bOffsets, int from, int to,
                         float[] out, int[] outBase, boolean add) {
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
        int a0 = aBase[0];
        int a1 = aBase[1];
        int a2 = aBase[2];
        int a3 = aBase[3];
        int a4 = aBase[4];
        int a5 = aBase[5];
        for (int t = from; t < to; t++) {
            int o = aOffsets[t];
            int bp = bOff + bOffsets[t];
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av;
            av = FloatVector.broadcast(S, a[a0 + o]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + o]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + o]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + o]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + o]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + o]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, out, outBase[0]));
            c01 = c01.add(FloatVector.fromArray(S, out, outBase[0] + L));
            c10 = c10.add(FloatVector.fromArray(S, out, outBase[1]));
            c11 = c11.add(FloatVector.fromArray(S, out, outBase[1] + L));
            c20 = c20.add(FloatVector.fromArray(S, out, outBase[2]));
            c21 = c21.add(FloatVector.fromArray(S, out, outBase[2] + L));
            c30 = c30.add(FloatVector.fromArray(S, out, outBase[3]));
            c31 = c31.add(FloatVector.fromArray(S, out, outBase[3] + L));
            c40 = c40.add(FloatVector.fromArray(S, out, outBase[4]));
            c41 = c41.add(FloatVector.fromArray(S, out, outBase[4] + L));
            c50 = c50.add(FloatVector.fromArray(S, out, outBase[5]));
            c51 = c51.add(FloatVector.fromArray(S, out, outBase[5] + L));
        }
        c00.intoArray(out, outBase[0]);
        c01.intoArray(out, outBase[0] + L);
        c10.intoArray(out, outBase[1]);
        c11.intoArray(out, outBase[1] + L);
        c20.intoArray(out, outBase[2]);
        c21.intoArray(out, outBase[2] + L);
        c30.intoArray(out, outBase[3]);
        c31.intoArray(out, outBase[3] + L);
        c40.intoArray(out, outBase[4]);
        c41.intoArray(out, outBase[4] + L);
        c50.intoArray(out, outBase[5]);
        c51.intoArray(out, outBase[5] + L);
    }
}
