package dev.engram.bench;

import dev.engram.backend.Backend;

/**
 * The one way the op-level benchmarks time a call: warm-up calls until both a count and a time
 * are reached (the JIT compiles the CPU backend's loops; cuDNN picks its algorithms on the first
 * call), then samples, each a stretch of calls of about a set length timed on the backend's clock
 * ({@link Backend#timeMillis}: device events on a GPU), as ms per call.
 */
record CallTimer(int warmupCalls, double warmupMs, int samples, double sampleMs) {
    Timings time(Backend backend, Runnable call) {
        double spent = 0;
        double last = 0;
        for (int warm = 0; warm < warmupCalls || spent < warmupMs; warm++) {
            last = backend.timeMillis(call);
            spent += last;
        }
        int calls = (int) Math.max(1, Math.min(100_000, Math.ceil(sampleMs / Math.max(last, 1e-3))));
        double[] ms = new double[samples];
        for (int s = 0; s < samples; s++) {
            ms[s] = backend.timeMillis(() -> {
                for (int i = 0; i < calls; i++) {
                    call.run();
                }
            }) / calls;
        }
        return Timings.of(ms);
    }
}
