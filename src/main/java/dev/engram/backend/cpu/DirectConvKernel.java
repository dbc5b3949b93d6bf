package dev.engram.backend.cpu;

import java.util.Optional;

/**
 * The register tile of {@link DirectConvolution}: six rows by {@link #width()} lanes held in
 * registers, summing over terms whose places in both operands come from offset tables: the rows'
 * scalars from six places of an unpacked array (pixels of a channels-last image, or rows of dy),
 * the lanes from a packed weight panel or a channels-last image. Reading both in place is what
 * spares the direct convolution the column matrix and its packing.
 * Every product is summed in a fixed order inside one tile, so results do not depend on threads.
 * All six rows are always stored (from registers, with no per-row branch): a caller that wants
 * fewer points the others at a spare area of out.
 */
interface DirectConvKernel {
    int ROWS = 6;

    /** Lanes of a tile: two vectors. */
    int width();

    /**
     * For each row i: out[outBase[i] + l] (= or +=, as {@code add} says) the sum over terms t in
     * [from, to) of a[aBase[i] + aOffsets[t]] * b[bOff + bOffsets[t] + l].
     */
    void multiply(float[] a, int[] aBase, int[] aOffsets, float[] b, int bOff, int[] bOffsets, int from, int to,
                  float[] out, int[] outBase, boolean add);

    /**
     * The Vector API tiles, if present (see {@link VectorApi}). Without them convolutions use
     * im2col and GEMM, whose scalar kernel would gain nothing here.
     */
    static Optional<DirectConvKernel> vector() {
        return VectorApi.load("dev.engram.backend.cpu.VectorDirectConvKernel", DirectConvKernel.class);
    }
}
