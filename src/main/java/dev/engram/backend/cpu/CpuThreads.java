package dev.engram.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The CPU backend's worker threads. Work is split into contiguous chunks fixed by the sizes and
 * the thread count alone (never by timing), so a result never depends on scheduling.
 */
final class CpuThreads implements AutoCloseable {

    /** Body of a parallel loop over the index range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Body of a parallel loop that also knows which chunk (0 .. chunks-1) it runs. */
    @FunctionalInterface
    interface Chunk {
        void run(int chunk, int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    CpuThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("cpu: thread count is " + threads + "; it must be >= 1");
        }
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    int count() {
        return threads;
    }

    /** Number of chunks {@link #forChunks} uses for n items of at least {@code grain} each. */
    int chunks(long n, long grain) {
        if (n <= 0) {
            return 0;
        }
        long byGrain = Math.max(1, n / Math.max(1, grain));
        return (int) Math.min(threads, byGrain);
    }

    /** Runs body over [0, n) in up to {@link #count()} chunks of at least {@code grain} items. */
    void forRange(long n, long grain, Range body) {
        forChunks(n, grain, (chunk, from, to) -> body.run(from, to));
    }

    void forChunks(long n, long grain, Chunk body) {
        int chunks = chunks(n, grain);
        if (chunks == 0) {
            return;
        }
        int size = (int) n;
        if (chunks == 1 || pool == null) {
            body.run(0, 0, size);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int chunk = c;
            int from = bound(size, chunks, c);
            int to = bound(size, chunks, c + 1);
            tasks[c - 1] = ForkJoinTask.adapt(() -> body.run(chunk, from, to));
            if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
                tasks[c - 1].fork();
            } else {
                pool.execute(tasks[c - 1]);
            }
        }
        body.run(0, 0, bound(size, chunks, 1));
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    /** Start of chunk c when n items are split into `chunks` nearly equal parts. */
    static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
