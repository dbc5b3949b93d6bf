package dev.engram.nn;

import dev.engram.backend.Philox;

/**
 * A seed and a running Philox counter: each draw of n numbers takes the next
 * {@link Philox#blocks(long)} counters, so a run is reproducible from (seed, counter), which is
 * what a checkpoint stores to resume exactly.
 */
public final class RandomStream {
    private final long seed;
    private long counter;

    public RandomStream(long seed) {
        this(seed, 0);
    }

    public RandomStream(long seed, long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("random stream counter is " + counter + "; it must be >= 0");
        }
        this.seed = seed;
        this.counter = counter;
    }

    public long seed() {
        return seed;
    }

    /** The counter the next draw starts at. */
    public long counter() {
        return counter;
    }

    /** Moves the counter, to resume a run where a checkpoint left it. */
    public void seek(long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("random stream counter is " + counter + "; it must be >= 0");
        }
        this.counter = counter;
    }

    /** Reserves counters for {@code numel} numbers and returns the offset to pass to the backend. */
    public long take(long numel) {
        long offset = counter;
        counter = Math.addExact(counter, Philox.blocks(numel));
        return offset;
    }
}
