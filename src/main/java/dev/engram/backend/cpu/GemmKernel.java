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
    /** Set to "false" to force the scalar kernel even when the Vector API is available. */
    String VECTOR_PROPERTY = "engram.cpu.vector";
    String VECTOR_MODULE = "jdk.incubator.vector";

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

    /**
     * The kernel for this JVM: the Vector API one when module jdk.incubator.vector is present and
     * the system property {@value #VECTOR_PROPERTY} is not "false", otherwise the scalar one.
     */
    static GemmKernel preferred() {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY));
        return wanted ? vector().orElseGet(ScalarGemmKernel::new) : new ScalarGemmKernel();
    }

    /**
     * The Vector API kernel, if the JVM was started with the module. Loaded by name so that the
     * class importing jdk.incubator.vector is never loaded (and never fails) without it.
     */
    static Optional<GemmKernel> vector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return Optional.empty();
        }
        try {
            Class<?> kernel = Class.forName("dev.engram.backend.cpu.VectorGemmKernel");
            return Optional.of((GemmKernel) kernel.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cpu gemm: cannot load the Vector API kernel although "
                    + VECTOR_MODULE + " is present", e);
        }
    }
}
