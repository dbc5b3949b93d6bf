package dev.engram.backend.cpu;

import java.util.Optional;

/**
 * The register-blocked heart of {@link CpuGemm}: multiplies one packed mr x kc panel of A by one
 * packed kc x nr panel of B and folds the product into an mr x nr tile of C.
 *
 * <p>Packed layouts (written by CpuGemm): the A panel holds, for p = 0..kc-1, the mr values
 * A[0..mr-1, p] one after the other; the B panel holds, for each p, the nr values B[p, 0..nr-1].
 * Rows and columns past the matrix edge are zero in the panels and are never written to C.
 *
 * <p>Every element is computed the same way whatever tile it falls in: products accumulate in p
 * order from 0, then C = alpha * sum + beta * C (C = alpha * sum when beta == 0, without reading
 * C). So results do not depend on how C is split into tiles or across threads.
 */
interface GemmKernel {
    /** Rows of a tile (the height of a packed A panel). */
    int mr();

    /** Columns of a tile (the width of a packed B panel). */
    int nr();

    /**
     * C[cOff + i * ldc + j] for i < rows, j < cols gets alpha * (A panel x B panel)[i, j] + beta * C.
     * {@code scratch} is the calling thread's own: mr + 1 rows of nr floats.
     */
    void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float alpha, float beta,
                  float[] c, int cOff, int ldc, int rows, int cols, float[][] scratch);

    /** Short name for logs and benchmarks. */
    String name();

    /** The kernel for this JVM: the Vector API one where {@link VectorApi} loads it, otherwise the scalar one. */
    static GemmKernel preferred() {
        return vector().orElseGet(ScalarGemmKernel::new);
    }

    /** The Vector API kernel, if present (see {@link VectorApi}). */
    static Optional<GemmKernel> vector() {
        return VectorApi.load("dev.engram.backend.cpu.VectorGemmKernel", GemmKernel.class);
    }
}
