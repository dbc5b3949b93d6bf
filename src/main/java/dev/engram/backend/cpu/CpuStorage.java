package dev.engram.backend.cpu;

import dev.engram.tensor.DType;
import dev.engram.tensor.Storage;

import java.util.concurrent.atomic.AtomicLong;

/** Host memory of the CPU backend: a float array, counted in the backend's live bytes until freed. */
final class CpuStorage extends Storage {
    private float[] data;
    private final AtomicLong live;

    CpuStorage(long numel, AtomicLong live) {
        super(DType.FLOAT32, numel);
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: a tensor of " + numel + " elements exceeds the " + (Integer.MAX_VALUE - 8)
                    + " a Java array can hold; use a smaller batch");
        }
        this.data = new float[(int) numel];
        this.live = live;
        live.addAndGet(numel * 4);
    }

    float[] data() {
        checkLive();
        return data;
    }

    @Override
    protected void free() {
        data = null;
        live.addAndGet(-capacity() * 4);
    }
}
