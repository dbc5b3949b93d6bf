package dev.engram.backend.cpu;

import dev.engram.backend.Philox;

/** Philox-based fills and dropout; every element depends only on (seed, offset, index). */
final class CpuRandom {
    private final CpuThreads threads;

    CpuRandom(CpuThreads threads) {
        this.threads = threads;
    }

    /** Body over the 4 lanes of one block: lane j belongs to element 4 * block + j. */
    @FunctionalInterface
    private interface BlockBody {
        void run(long block, int[] bits, float[] scratch);
    }

    private void forBlocks(int n, long seed, long offset, BlockBody body) {
        int blocks = (int) Philox.blocks(n);
        threads.forRange(blocks, 1024, (from, to) -> {
            int[] bits = new int[4];
            float[] scratch = new float[4];
            for (int b = from; b < to; b++) {
                Philox.block(seed, offset + b, bits);
                body.run(b, bits, scratch);
            }
        });
    }

    void uniform(float[] t, int off, int n, long seed, long offset, float lo, float hi) {
        float range = hi - lo;
        forBlocks(n, seed, offset, (b, bits, scratch) -> {
            int base = (int) (b * 4);
            for (int j = 0; j < 4 && base + j < n; j++) {
                t[off + base + j] = lo + Philox.uniform(bits[j]) * range;
            }
        });
    }

    void normal(float[] t, int off, int n, long seed, long offset, float mean, float std) {
        forBlocks(n, seed, offset, (b, bits, scratch) -> {
            Philox.normals(bits, scratch);
            int base = (int) (b * 4);
            for (int j = 0; j < 4 && base + j < n; j++) {
                t[off + base + j] = mean + std * scratch[j];
            }
        });
    }

    /** dst = 0 where u < fraction / 2, 1 where u >= 1 - fraction / 2, else src; u is uniform's draw. */
    void saltAndPepper(float[] src, int so, float[] dst, int dOff, int n, float fraction, long seed, long offset) {
        float low = fraction / 2;
        float high = 1 - fraction / 2;
        forBlocks(n, seed, offset, (b, bits, scratch) -> {
            int base = (int) (b * 4);
            for (int j = 0; j < 4 && base + j < n; j++) {
                int i = base + j;
                float u = Philox.uniform(bits[j]);
                dst[dOff + i] = u < low ? 0f : u >= high ? 1f : src[so + i];
            }
        });
    }

    /** dst = src * mask / (1 - p), the mask from (seed, offset): shared by forward and backward. */
    void dropout(float[] src, int so, float[] dst, int dOff, int n, float p, long seed, long offset) {
        float scale = 1f / (1f - p);
        forBlocks(n, seed, offset, (b, bits, scratch) -> {
            int base = (int) (b * 4);
            for (int j = 0; j < 4 && base + j < n; j++) {
                int i = base + j;
                dst[dOff + i] = Philox.uniform(bits[j]) >= p ? src[so + i] * scale : 0f;
            }
        });
    }
}
