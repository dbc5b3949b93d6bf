package dev.engram.backend.cuda;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device memory by size class with reuse: a freed block waits in its class for the next request
 * of that class, so a training step allocates nothing new from the driver after its first run.
 * All work is ordered on one stream, so a block freed by the host may be handed out again at once.
 *
 * <p>Size classes: multiples of 512 bytes up to 1 MiB, multiples of 2 MiB above (as PyTorch's
 * allocator rounds). When the driver is out of memory, the cached blocks are given back and the
 * request is tried once more before it fails with a message saying what was asked and what is free.
 */
final class CachingAllocator<P> implements AutoCloseable {
    static final long SMALL = 512;
    static final long LARGE = 2L << 20;
    static final long SMALL_LIMIT = 1L << 20;

    private final DeviceMemory<P> memory;
    private final String deviceName;
    private final TreeMap<Long, ArrayDeque<P>> cached = new TreeMap<>();
    private final Map<P, Long> live = new IdentityHashMap<>();
    private long liveBytes;
    private long peakBytes;
    private long cachedBytes;
    private long driverAllocations;
    private long operations;

    CachingAllocator(DeviceMemory<P> memory, String deviceName) {
        this.memory = memory;
        this.deviceName = deviceName;
    }

    /** The bytes a request of {@code bytes} occupies. */
    static long sizeClass(long bytes) {
        long unit = bytes <= SMALL_LIMIT ? SMALL : LARGE;
        return Math.max(unit, (bytes + unit - 1) / unit * unit);
    }

    /** A block of at least {@code bytes}, from the cache when one of its class is free. */
    synchronized P allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("device allocation of " + bytes + " bytes: must be >= 0");
        }
        operations++;
        long size = sizeClass(bytes);
        P p = takeCached(size);
        if (p == null) {
            p = memory.allocate(size);
            if (p == null) {
                long released = cachedBytes;
                emptyCache();
                p = memory.allocate(size);
                if (p == null) {
                    throw outOfMemory(bytes, released);
                }
            }
            driverAllocations++;
        }
        live.put(p, size);
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return p;
    }

    /** Returns a block to its size class for reuse. */
    synchronized void free(P p) {
        Long size = live.remove(p);
        if (size == null) {
            throw new IllegalStateException("device block freed twice or not from this allocator (" + deviceName + ")");
        }
        operations++;
        liveBytes -= size;
        cached.computeIfAbsent(size, s -> new ArrayDeque<>()).push(p);
        cachedBytes += size;
    }

    private P takeCached(long size) {
        ArrayDeque<P> q = cached.get(size);
        if (q == null || q.isEmpty()) {
            return null;
        }
        cachedBytes -= size;
        return q.pop();
    }

    /** Gives every cached (free) block back to the driver. */
    synchronized void emptyCache() {
        for (ArrayDeque<P> q : cached.values()) {
            for (P p : q) {
                memory.free(p);
            }
        }
        cached.clear();
        cachedBytes = 0;
    }

    synchronized long liveBytes() {
        return liveBytes;
    }

    synchronized long peakBytes() {
        return peakBytes;
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** How many times the driver was asked for memory: constant over steady-state training steps. */
    synchronized long driverAllocations() {
        return driverAllocations;
    }

    /**
     * How many blocks were handed out or given back: a step recorded for replay must leave it
     * unchanged, or its graph would keep using memory the allocator hands to others.
     */
    synchronized long operations() {
        return operations;
    }

    private CudaOutOfMemoryException outOfMemory(long asked, long released) {
        long[] info = memory.info();
        return new CudaOutOfMemoryException(String.format(Locale.ROOT,
                "CUDA out of memory on %s: asked for %s (%d bytes), %s free of %s; engram holds %s in live"
                        + " tensors (cache of %s released and retried); use a smaller --batch",
                deviceName, bytes(sizeClass(asked)), asked, bytes(info[0]), bytes(info[1]), bytes(liveBytes),
                bytes(released)));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Frees the cache; blocks still live are the owners' to free (closing their tensors). */
    @Override
    public synchronized void close() {
        emptyCache();
    }
}
