package dev.engram.testing;

import dev.engram.backend.cpu.CpuBackend;

/** The backends tests run on. The CPU backend is shared: it holds only threads, no state between ops. */
public final class TestBackends {
    private static final CpuBackend CPU = new CpuBackend(2);

    private TestBackends() {
    }

    public static CpuBackend cpu() {
        return CPU;
    }
}
