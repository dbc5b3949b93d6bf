package dev.engram.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachingAllocatorTest {
    /** A device of fixed capacity that counts what the allocator asks of it. */
    static final class FakeDevice implements DeviceMemory<long[]> {
        final long capacity;
        long used;
        final List<long[]> freed = new ArrayList<>();

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long[] allocate(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            used += bytes;
            return new long[] {bytes};
        }

        @Override
        public void free(long[] pointer) {
            used -= pointer[0];
            freed.add(pointer);
        }

        @Override
        public long[] info() {
            return new long[] {capacity - used, capacity};
        }
    }

    @Test
    void sizeClassesRoundTo512BytesThenTo2MiB() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1L << 20, CachingAllocator.sizeClass(1L << 20));
        assertEquals(2L << 20, CachingAllocator.sizeClass((1L << 20) + 1));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));
    }

    @Test
    void aFreedBlockIsReusedForTheSameClassWithoutAskingTheDriver() {
        FakeDevice dev = new FakeDevice(1L << 30);
        CachingAllocator<long[]> a = new CachingAllocator<>(dev, "cuda:0");
        long[] p = a.allocate(1000);
        assertEquals(1024, a.liveBytes());
        a.free(p);
        assertEquals(0, a.liveBytes());
        assertEquals(1024, a.cachedBytes());
        long[] q = a.allocate(1023);
        assertSame(p, q);
        assertEquals(1, a.driverAllocations());
        long[] r = a.allocate(3000); // another class: a new driver allocation
        assertEquals(2, a.driverAllocations());
        assertEquals(1024 + 3072, a.peakBytes());
        a.free(q);
        a.free(r);
        a.close();
        assertEquals(0, dev.used);
        assertEquals(0, a.cachedBytes());
    }

    @Test
    void steadyStateStepsAllocateNothingNew() {
        CachingAllocator<long[]> a = new CachingAllocator<>(new FakeDevice(1L << 30), "cuda:0");
        long[] sizes = {784 * 256 * 4, 512 * 4, 3 * 5 * 7 * 4, 10 << 20};
        for (int step = 0; step < 5; step++) {
            List<long[]> blocks = new ArrayList<>();
            for (long s : sizes) {
                blocks.add(a.allocate(s));
            }
            blocks.forEach(a::free);
        }
        assertEquals(sizes.length, a.driverAllocations());
    }

    @Test
    void outOfMemoryReleasesTheCacheRetriesAndThenSaysWhatWasAskedAndFree() {
        FakeDevice dev = new FakeDevice(8L << 20);
        CachingAllocator<long[]> a = new CachingAllocator<>(dev, "cuda:0");
        long[] held = a.allocate(4L << 20);
        a.free(a.allocate(2L << 20)); // 2 MiB cached
        long[] big = a.allocate(4L << 20); // fits only once the cache is given back
        assertEquals(1, dev.freed.size());
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(3L << 20));
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
        assertTrue(e.getMessage().contains("asked for 4.0 MiB (3145728 bytes)"), e.getMessage());
        assertTrue(e.getMessage().contains("0 B free of 8.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("smaller --batch"), e.getMessage());
        assertEquals(8L << 20, a.liveBytes());
        a.free(held);
        a.free(big);
    }

    @Test
    void freeingTwiceIsRefused() {
        CachingAllocator<long[]> a = new CachingAllocator<>(new FakeDevice(1L << 20), "cuda:1");
        long[] p = a.allocate(10);
        a.free(p);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(p));
        assertTrue(e.getMessage().contains("freed twice"));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(-1));
    }
}
