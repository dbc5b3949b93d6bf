package dev.engram.bench;

import dev.engram.backend.Backend;
import dev.engram.backend.cuda.CudaBackend;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The most memory a benchmark held: on a CUDA backend the caching allocator's peak of live bytes
 * (open a fresh backend per model, the peak is never reset); on the CPU, where tensors live on the
 * Java heap, the heap's peak since {@link #start}.
 */
public final class PeakMemory {
    private final CudaBackend cuda;

    private PeakMemory(CudaBackend cuda) {
        this.cuda = cuda;
    }

    /** Starts watching; on the heap, after a collection so that garbage of earlier work does not count. */
    public static PeakMemory start(Backend backend) {
        if (backend instanceof CudaBackend c) {
            return new PeakMemory(c);
        }
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        return new PeakMemory(null);
    }

    /** What {@link #bytes} measures, for the report. */
    public String kind() {
        return cuda != null ? "device allocator peak" : "JVM heap peak (sum of the heap pools' peaks, an upper bound)";
    }

    public long bytes() {
        if (cuda != null) {
            return cuda.peakBytes();
        }
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
