package dev.engram.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Page-locked host buffers that uploads go through, so that an upload returns as soon as it is
 * ordered on the stream: the Java array is copied into a pinned buffer on the host, and the
 * device copies from there asynchronously (a copy straight from a Java array must be waited for,
 * since JCuda lets go of the array when the call returns). Two buffers take turns: while the
 * device reads one, the host fills the other; a buffer is refilled only once the copy that last
 * read it has finished (its event). Large uploads go in chunks, so at most two chunks' worth of
 * memory is pinned, allocated during the first steps and kept.
 */
final class PinnedStaging implements AutoCloseable {
    /** Floats per chunk (16 MiB): a batch of the reference models fits in one. */
    static final int CHUNK_FLOATS = 1 << 22;

    private final Buffer[] buffers = {new Buffer(), new Buffer()};
    private int next;

    /** Orders the copy of src[offset, offset + count) to dst on the stream, without waiting for it. */
    void upload(float[] src, int offset, int count, CUdeviceptr dst, CudaStream stream) {
        for (int done = 0; done < count; done += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, count - done);
            Buffer b = buffers[next];
            next = (next + 1) % buffers.length;
            b.fill(src, offset + done, n);
            CudaStatus.driver("cuMemcpyHtoDAsync", JCudaDriver.cuMemcpyHtoDAsync(
                    dst.withByteOffset((long) done * Float.BYTES), b.host, (long) n * Float.BYTES, stream.handle()));
            b.readBy(stream);
        }
    }

    @Override
    public void close() {
        for (Buffer b : buffers) {
            b.close();
        }
    }

    /** One pinned buffer and the event of the last copy that read it. */
    private static final class Buffer {
        private final CudaEvent lastRead = new CudaEvent();
        private Pointer host;
        private FloatBuffer floats;
        private boolean pending;

        void fill(float[] src, int offset, int count) {
            awaitIdle();
            if (floats == null || floats.capacity() < count) {
                free();
                host = new Pointer();
                long bytes = (long) count * Float.BYTES;
                CudaStatus.driver("cuMemAllocHost", JCudaDriver.cuMemAllocHost(host, bytes));
                floats = host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            floats.clear();
            floats.put(src, offset, count);
        }

        void readBy(CudaStream stream) {
            lastRead.record(stream);
            pending = true;
        }

        private void awaitIdle() {
            if (pending) {
                lastRead.synchronize();
                pending = false;
            }
        }

        private void free() {
            if (host != null) {
                CudaStatus.driver("cuMemFreeHost", JCudaDriver.cuMemFreeHost(host));
                host = null;
                floats = null;
            }
        }

        void close() {
            awaitIdle();
            free();
            lastRead.close();
        }
    }
}
