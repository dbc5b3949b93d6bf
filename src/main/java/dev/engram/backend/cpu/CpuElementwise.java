package dev.engram.backend.cpu;

/**
 * Elementwise ops and reductions on float arrays. Reductions sum fixed blocks in double and then
 * the blocks in order, so the result does not depend on the thread count.
 */
final class CpuElementwise {
    /** Elements per parallel chunk for cheap elementwise loops. */
    static final int GRAIN = 1 << 15;
    /** Elements per partial sum of a reduction; fixed so results are thread-count independent. */
    static final int REDUCE_BLOCK = 1 << 12;

    private final CpuThreads threads;
    private final PointwiseKernel kernel;

    CpuElementwise(CpuThreads threads, PointwiseKernel kernel) {
        this.threads = threads;
        this.kernel = kernel;
    }

    void fill(float[] t, int off, int n, float v) {
        threads.forRange(n, GRAIN, (from, to) -> java.util.Arrays.fill(t, off + from, off + to, v));
    }

    void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        threads.forRange(n, GRAIN, (from, to) -> System.arraycopy(src, srcOff + from, dst, dstOff + from, to - from));
    }

    void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        threads.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[oo + i] = a[ao + i] + b[bo + i];
            }
        });
    }

    void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        threads.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[oo + i] = a[ao + i] * b[bo + i];
            }
        });
    }

    void axpby(float alpha, float[] x, int xo, float beta, float[] y, int yo, int n) {
        threads.forRange(n, GRAIN, (from, to) -> {
            if (beta == 0f) {
                for (int i = from; i < to; i++) {
                    y[yo + i] = alpha * x[xo + i];
                }
            } else {
                for (int i = from; i < to; i++) {
                    y[yo + i] = alpha * x[xo + i] + beta * y[yo + i];
                }
            }
        });
    }

    void affine(float[] x, int xo, float scale, float shift, float[] out, int oo, int n) {
        threads.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[oo + i] = x[xo + i] * scale + shift;
            }
        });
    }

    void clamp(float[] x, int xo, float lo, float hi, float[] out, int oo, int n) {
        threads.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[oo + i] = Math.min(Math.max(x[xo + i], lo), hi);
            }
        });
    }

    double sum(float[] x, int xo, int n) {
        return reduce(n, (from, to) -> kernel.sum(x, xo + from, to - from));
    }

    double sumOfSquares(float[] x, int xo, int n) {
        return reduce(n, (from, to) -> kernel.squaredDeviations(x, xo + from, to - from, 0));
    }

    /** A partial sum over [from, to). */
    @FunctionalInterface
    interface BlockSum {
        double sum(int from, int to);
    }

    /** Sums {@code block} over fixed blocks of {@link #REDUCE_BLOCK} in parallel, then the blocks in order. */
    double reduce(int n, BlockSum block) {
        int blocks = (n + REDUCE_BLOCK - 1) / REDUCE_BLOCK;
        double[] partial = new double[blocks];
        threads.forRange(blocks, 8, (from, to) -> {
            for (int b = from; b < to; b++) {
                partial[b] = block.sum(b * REDUCE_BLOCK, Math.min(n, (b + 1) * REDUCE_BLOCK));
            }
        });
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }
}
