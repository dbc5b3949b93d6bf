package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.Numerics;
import dev.engram.testing.TestBackends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same values on the CPU backend and on a GPU backend, for the parity tests. */
record Pair(Tensor cpu, Tensor gpu) implements AutoCloseable {

    static Pair of(Backend gpuBackend, float[] v, Shape s) {
        return new Pair(TestBackends.cpu().fromHost(v, s), gpuBackend.fromHost(v, s));
    }

    /** Uniform values in [-1, 1). */
    static Pair random(Backend gpuBackend, long seed, Shape s) {
        return uniform(gpuBackend, seed, s, -1, 1);
    }

    static Pair uniform(Backend gpuBackend, long seed, Shape s, double lo, double hi) {
        return of(gpuBackend, Numerics.toFloat(Numerics.uniform(seed, (int) s.numel(), lo, hi)), s);
    }

    /** This pair's tensor on {@code b}: the GPU one when b is not the CPU backend. */
    Tensor on(Backend b) {
        return b == cpu.backend() ? cpu : gpu;
    }

    /** Rows [from, to) of both, as views (the owners stay this pair's to close). */
    Pair slice(int from, int to) {
        return new Pair(cpu.slice(from, to), gpu.slice(from, to));
    }

    /** ||gpu - cpu|| / ||cpu|| at most {@code tolerance}. */
    void assertClose(String what, double tolerance) {
        double err = CudaProbe.relativeError(gpu.toFloatArray(), cpu.toFloatArray());
        assertTrue(err <= tolerance, what + ": relative error " + err + " > " + tolerance);
    }

    /** The same bits (NaN equal to NaN). */
    void assertSameBits(String what) {
        float[] c = cpu.toFloatArray();
        float[] g = gpu.toFloatArray();
        assertEquals(c.length, g.length, what + ": count");
        for (int i = 0; i < c.length; i++) {
            if (Float.floatToIntBits(c[i]) != Float.floatToIntBits(g[i])) {
                throw new AssertionError(what + ": element " + i + " of " + c.length + " is " + g[i] + " on the GPU, "
                        + c[i] + " on the CPU");
            }
        }
    }

    @Override
    public void close() {
        cpu.close();
        gpu.close();
    }
}
