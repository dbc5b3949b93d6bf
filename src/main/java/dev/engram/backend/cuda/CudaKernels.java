package dev.engram.backend.cuda;

import dev.engram.backend.cuda.KernelCatalog.Kernel;
import dev.engram.backend.cuda.StreamOp.KernelLaunch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine's own kernels on one backend: each family's module is loaded once (on first use),
 * each kernel looked up once, and every launch goes to the backend's stream (through
 * {@link StepGraphs}) with {@link KernelCatalog#THREADS_PER_BLOCK} threads and arguments checked
 * against the catalog.
 */
final class CudaKernels implements AutoCloseable {
    /**
     * The most blocks of a reduction's first pass, and so the doubles its partials workspace
     * holds. Its grid depends on the element count alone, never on the device, so a sum is the
     * same bits on every run and every GPU.
     */
    static final int REDUCTION_BLOCKS = 1024;

    private static final int THREADS = KernelCatalog.THREADS_PER_BLOCK;

    /** Where launches go: the stream, or the step being recorded ({@link StepGraphs#submit}). */
    private final Consumer<StreamOp> submit;
    /** Enough resident blocks to fill the device; grid-stride loops cover the rest. */
    private final int maxBlocks;
    private final Map<String, CudaModule> modules = new HashMap<>();
    private final Map<String, CudaKernel> kernels = new HashMap<>();

    CudaKernels(Consumer<StreamOp> submit, int multiprocessors) {
        this.submit = submit;
        this.maxBlocks = 32 * Math.max(1, multiprocessors);
    }

    /** The blocks of a grid-stride loop over {@code work} items: enough for one item per thread, at most {@code maxBlocks}. */
    int blocksFor(long work) {
        return (int) Math.max(1, Math.min(ceilDiv(work), maxBlocks));
    }

    /** The blocks of a reduction's first pass over {@code n} elements: a function of n alone. */
    static int reductionBlocks(long n) {
        return (int) Math.max(1, Math.min(ceilDiv(n), REDUCTION_BLOCKS));
    }

    private static long ceilDiv(long work) {
        return (work + THREADS - 1) / THREADS;
    }

    /** Launches {@code name} over {@code work} items (grid-stride); nothing is launched for no work. */
    void over(long work, String name, Object... args) {
        if (work > 0) {
            launch(blocksFor(work), name, args);
        }
    }

    /** Launches {@code name} with exactly {@code blocks} blocks. */
    void launch(int blocks, String name, Object... args) {
        Kernel k = KernelCatalog.get(name);
        submit.accept(new KernelLaunch(kernel(k), blocks, THREADS, KernelArgs.pack(k, args)));
    }

    private CudaKernel kernel(Kernel k) {
        CudaKernel cached = kernels.get(k.name());
        if (cached == null) {
            cached = module(k.family()).kernel(k.name().substring("engram_".length()));
            kernels.put(k.name(), cached);
        }
        return cached;
    }

    private CudaModule module(String family) {
        CudaModule m = modules.get(family);
        if (m == null) {
            try {
                m = CudaModule.load(KernelImage.ofFamily(family));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            modules.put(family, m);
        }
        return m;
    }

    /** Unloads the modules; the stream must have finished their work. */
    @Override
    public void close() {
        for (CudaModule m : modules.values()) {
            m.close();
        }
        modules.clear();
        kernels.clear();
    }
}
