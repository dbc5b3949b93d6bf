package dev.engram.backend.cpu;

/**
 * Single-precision GEMM on row-major arrays: C = alpha * op(A) op(B) + beta * C.
 * lda/ldb/ldc are the natural ones (A is m x k, or k x m when transposed; B is k x n, or n x k).
 *
 * <p>The GotoBLAS/BLIS structure: for each block of NC columns and each block of at most KC
 * steps of k, a kc x nc block of op(B) is packed into nr-wide panels (the block stays in L3, a
 * panel streams through L1); for each block of MC rows, an mc x kc block of op(A) is packed into
 * mr-high panels (it stays in L2); then the {@link GemmKernel} multiplies every A panel by every B
 * panel into an mr x nr tile of C. Transposes are undone by the packing, so the kernel sees one
 * layout only; partial panels at the edges are zero-padded.
 *
 * <p>Threads split C into contiguous bands of whole tiles (rows or columns, whichever has more
 * tiles). Split by columns, each thread packs its own B panels; split by rows, every thread would
 * need all of B, so each B block is packed once, by all threads together (a panel each at least),
 * into a buffer they share, and then multiplied by every thread's rows. With few rows per element
 * of B, as in a Linear layer's GEMMs at batch 256, packing B is a large part of the work: sharing
 * it took 5-6% off dense-ae's six GEMM shapes, up to 11% on one (bench/NOTES.md). A panels are each
 * thread's own, in buffers it keeps between calls. The k blocks depend on k alone and every
 * element is summed in k order by the same arithmetic, so results are bit-identical for any
 * thread count.
 */
final class CpuGemm {
    /**
     * Most steps of k per packed block. Longer blocks mean fewer passes over C; at 512 a B panel
     * (512 x 16 floats with AVX2) is the size of L1 and streams through it, which measured faster
     * than 256 or 384 on Zen 3.
     */
    private static final int KC = 512;
    /** Rows per packed A block (rounded to the kernel's mr): 96 x 512 floats = 192 KiB, in L2. */
    private static final int MC = 96;
    /** Columns per packed B block (rounded to the kernel's nr): 512 x 2048 floats = 4 MiB, in L3. */
    private static final int NC = 2048;
    /** Least work worth handing to another thread (floating-point operations). */
    private static final long MIN_CHUNK_FLOPS = 1L << 20;
    /** From this size up, a batch item is worth all threads; smaller items run one per thread. */
    private static final long THREADED_ITEM_FLOPS = 1L << 24;

    private final CpuThreads threads;
    private final GemmKernel kernel;
    private final int mr;
    private final int nr;
    private final int mc;
    private final int nc;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    /** The B block that all threads pack together and share in a split by rows. */
    private final Scratch sharedPack = new Scratch();

    CpuGemm(CpuThreads threads) {
        this(threads, GemmKernel.preferred());
    }

    CpuGemm(CpuThreads threads, GemmKernel kernel) {
        this.threads = threads;
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.mc = Math.max(mr, MC / mr * mr);
        this.nc = Math.max(nr, NC / nr * nr);
    }

    GemmKernel kernel() {
        return kernel;
    }

    /** GEMM using the backend's threads. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        int tilesM = ceilDiv(m, mr);
        int tilesN = ceilDiv(n, nr);
        if (tilesM >= tilesN) {
            long grain = ceilDiv(MIN_CHUNK_FLOPS, 2L * mr * n * Math.max(k, 1));
            if (threads.count() > 1 && tilesN >= threads.count() && tilesM > grain && alpha != 0f && k > 0) {
                sharedB(transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, tilesM, grain);
                return;
            }
            threads.forRange(tilesM, grain, (from, to) -> block(transA, transB, m, n, k, alpha, a, aOff, b, bOff,
                    beta, c, cOff, from * mr, Math.min(m, to * mr), 0, n));
        } else {
            long grain = ceilDiv(MIN_CHUNK_FLOPS, 2L * nr * m * Math.max(k, 1));
            threads.forRange(tilesN, grain, (from, to) -> block(transA, transB, m, n, k, alpha, a, aOff, b, bOff,
                    beta, c, cOff, 0, m, from * nr, Math.min(n, to * nr)));
        }
    }

    /** GEMM on the calling thread only: for callers that already parallelise over something else. */
    void gemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        block(transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff, 0, m, 0, n);
    }

    /** batch GEMMs, the i-th at offsets i * stride. */
    void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, long strideA, float[] b, int bOff, long strideB,
                            float beta, float[] c, int cOff, long strideC, int batch) {
        if (batch == 1 || 2L * m * n * k >= THREADED_ITEM_FLOPS) {
            for (int i = 0; i < batch; i++) {
                gemm(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), b, (int) (bOff + i * strideB),
                        beta, c, (int) (cOff + i * strideC));
            }
            return;
        }
        threads.forRange(batch, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                gemmSerial(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), b, (int) (bOff + i * strideB),
                        beta, c, (int) (cOff + i * strideC));
            }
        });
    }

    /** Rows [i0, i1) x columns [j0, j1) of C, on the calling thread. */
    private void block(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff,
                       int i0, int i1, int j0, int j1) {
        if (alpha == 0f || k == 0) {
            scale(beta, c, cOff, n, i0, i1, j0, j1);
            return;
        }
        Workspace w = workspaces.get();
        int kBlocks = ceilDiv(k, KC);
        for (int jc = j0; jc < j1; jc += nc) {
            int ncur = Math.min(nc, j1 - jc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = blockStart(k, kBlocks, kb);
                int kc = blockStart(k, kBlocks, kb + 1) - pc;
                float[] bPack = w.b(kc * ceilDiv(ncur, nr) * nr);
                packB(transB, b, bOff, n, k, pc, kc, jc, ncur, bPack, 0);
                rowsTimesPacked(transA, m, n, k, alpha, a, aOff, kb == 0 ? beta : 1f, c, cOff, i0, i1, pc, kc, jc,
                        ncur, bPack, w);
            }
        }
    }

    /**
     * A split by rows in which the threads share each packed B block: for every block, the threads
     * pack its panels (disjoint ones each), then each multiplies its own rows by the whole block.
     * The shared buffer makes these GEMMs run one at a time.
     */
    private void sharedB(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                         float[] b, int bOff, float beta, float[] c, int cOff, int tilesM, long grain) {
        synchronized (sharedPack) {
            int kBlocks = ceilDiv(k, KC);
            for (int jc = 0; jc < n; jc += nc) {
                int ncur = Math.min(nc, n - jc);
                int panels = ceilDiv(ncur, nr);
                for (int kb = 0; kb < kBlocks; kb++) {
                    int pc = blockStart(k, kBlocks, kb);
                    int kc = blockStart(k, kBlocks, kb + 1) - pc;
                    float[] bPack = sharedPack.get(kc * panels * nr);
                    int col0 = jc;
                    threads.forRange(panels, 1, (from, to) -> packB(transB, b, bOff, n, k, pc, kc, col0 + from * nr,
                            Math.min(ncur, to * nr) - from * nr, bPack, from * kc * nr));
                    float blockBeta = kb == 0 ? beta : 1f;
                    threads.forRange(tilesM, grain, (from, to) -> rowsTimesPacked(transA, m, n, k, alpha, a, aOff,
                            blockBeta, c, cOff, from * mr, Math.min(m, to * mr), pc, kc, col0, ncur, bPack,
                            workspaces.get()));
                }
            }
        }
    }

    /** Rows [i0, i1) of C's columns [jc, jc + ncur): alpha * op(A)[rows, pc..pc+kc) x the packed B block + beta * C. */
    private void rowsTimesPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff,
                                 float blockBeta, float[] c, int cOff, int i0, int i1, int pc, int kc, int jc,
                                 int ncur, float[] bPack, Workspace w) {
        for (int ic = i0; ic < i1; ic += mc) {
            int mcur = Math.min(mc, i1 - ic);
            float[] aPack = w.a(kc * ceilDiv(mcur, mr) * mr);
            packA(transA, a, aOff, m, k, ic, mcur, pc, kc, aPack);
            for (int jr = 0; jr < ncur; jr += nr) {
                int bPanel = jr / nr * kc * nr;
                int cols = Math.min(nr, ncur - jr);
                for (int ir = 0; ir < mcur; ir += mr) {
                    kernel.multiply(kc, aPack, ir / mr * kc * mr, bPack, bPanel, alpha, blockBeta,
                            c, cOff + (ic + ir) * n + jc + jr, n, Math.min(mr, mcur - ir), cols, w.scratch);
                }
            }
        }
    }

    /** Start of block kb of k's kBlocks equal blocks (576 gives 288 + 288, not 512 + 64: no short, slow last block). */
    private static int blockStart(int k, int kBlocks, int kb) {
        return CpuThreads.bound(k, kBlocks, kb);
    }

    /** Rows [row0, row0 + rows) and steps [pc, pc + kc) of op(A), as mr-high panels, zero-padded. */
    private void packA(boolean transA, float[] a, int aOff, int m, int k, int row0, int rows, int pc, int kc,
                       float[] dst) {
        for (int r = 0; r < rows; r += mr) {
            int h = Math.min(mr, rows - r);
            int panel = r * kc;
            if (transA) {
                // A is stored k x m: A[i, p] = a[p * m + i], so each step p gives h contiguous values.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * m + row0 + r;
                    int d = panel + p * mr;
                    for (int i = 0; i < h; i++) {
                        dst[d + i] = a[src + i];
                    }
                    for (int i = h; i < mr; i++) {
                        dst[d + i] = 0f;
                    }
                }
            } else {
                // A[i, p] = a[i * k + p]: read each row contiguously, write it with stride mr.
                for (int i = 0; i < h; i++) {
                    int src = aOff + (row0 + r + i) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[panel + p * mr + i] = a[src + p];
                    }
                }
                for (int i = h; i < mr; i++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + p * mr + i] = 0f;
                    }
                }
            }
        }
    }

    /** Steps [pc, pc + kc) and columns [col0, col0 + cols) of op(B), as nr-wide panels from dst[dOff], zero-padded. */
    private void packB(boolean transB, float[] b, int bOff, int n, int k, int pc, int kc, int col0, int cols,
                       float[] dst, int dOff) {
        for (int j0 = 0; j0 < cols; j0 += nr) {
            int w = Math.min(nr, cols - j0);
            int panel = dOff + j0 * kc;
            if (transB) {
                // B is stored n x k: B[p, j] = b[j * k + p]: read each column contiguously.
                for (int j = 0; j < w; j++) {
                    int src = bOff + (col0 + j0 + j) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[panel + p * nr + j] = b[src + p];
                    }
                }
                for (int j = w; j < nr; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + p * nr + j] = 0f;
                    }
                }
            } else {
                // B[p, j] = b[p * n + j]: each step p gives w contiguous values.
                for (int p = 0; p < kc; p++) {
                    int d = panel + p * nr;
                    System.arraycopy(b, bOff + (pc + p) * n + col0 + j0, dst, d, w);
                    for (int j = w; j < nr; j++) {
                        dst[d + j] = 0f;
                    }
                }
            }
        }
    }

    /** C = beta * C on a block (zero when beta == 0, whatever C held): the product term is zero. */
    private static void scale(float beta, float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
        if (beta == 1f) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            for (int j = j0; j < j1; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }

    /** One thread's packing buffers, grown on demand and kept for the thread's next call. */
    private final class Workspace {
        private final float[][] scratch = new float[mr + 1][nr];
        private float[] aPack = new float[0];
        private float[] bPack = new float[0];

        float[] a(int size) {
            if (aPack.length < size) {
                aPack = new float[size];
            }
            return aPack;
        }

        float[] b(int size) {
            if (bPack.length < size) {
                bPack = new float[size];
            }
            return bPack;
        }
    }
}
