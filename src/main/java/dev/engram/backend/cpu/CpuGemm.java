package dev.engram.backend.cpu;

/**
 * Single-precision GEMM on row-major arrays: C = alpha * op(A) op(B) + beta * C.
 * lda/ldb/ldc are the natural ones (A is m x k, or k x m when transposed; B is k x n, or n x k).
 */
final class CpuGemm {
    private final CpuThreads threads;

    CpuGemm(CpuThreads threads) {
        this.threads = threads;
    }

    /** GEMM using the backend's threads. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        threads.forRange(m, 16, (from, to) -> rows(transA, transB, from, to, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff));
    }

    /** GEMM on the calling thread only: for callers that already parallelise over something else. */
    void gemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        rows(transA, transB, 0, m, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff);
    }

    /** batch GEMMs, the i-th at offsets i * stride. */
    void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, long strideA, float[] b, int bOff, long strideB,
                            float beta, float[] c, int cOff, long strideC, int batch) {
        if (batch == 1) {
            gemm(transA, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff);
            return;
        }
        threads.forRange(batch, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                gemmSerial(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), b, (int) (bOff + i * strideB),
                        beta, c, (int) (cOff + i * strideC));
            }
        });
    }

    private static void rows(boolean transA, boolean transB, int from, int to, int m, int n, int k, float alpha,
                             float[] a, int aOff, float[] b, int bOff, float beta, float[] c, int cOff) {
        for (int i = from; i < to; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    s += av * bv;
                }
                int ci = cOff + i * n + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }
}
